import { randomUUID } from "node:crypto";
import type { Command, CommandFields, CommandReply } from "../contract/index.js";
import type { Aggregator } from "./aggregator.js";

export type CommandOutcome = { status: "replied"; reply: CommandReply } | { status: "timeout" };

/** A command body as the API builds it: without the envelope the aggregator adds. */
export type CommandBody = Command extends infer C
  ? C extends Command
    ? Omit<C, "v" | "id" | "tsMs" | "expiresMs">
    : never
  : never;

/**
 * Sends a command and waits for the agent's reply with the same id, or gives up after `timeoutMs`. The command
 * expires (`expiresMs`) at `ttlMs` after it was sent, so an agent that gets it late refuses it.
 */
export class CommandRequests {
  private readonly waiting = new Map<string, (reply: CommandReply) => void>();

  constructor(
    private readonly aggregator: Aggregator,
    private readonly now: () => number = Date.now,
  ) {
    aggregator.bus.on("command_reply", ({ reply }) => this.waiting.get(reply.id)?.(reply));
  }

  async request(
    hallId: string,
    agentId: string,
    command: CommandBody,
    options: { timeoutMs: number; ttlMs: number },
  ): Promise<CommandOutcome & { id: string }> {
    const id = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const answered = new Promise<CommandOutcome>((resolve) => {
      this.waiting.set(id, (reply) => resolve({ status: "replied", reply }));
      timer = setTimeout(() => resolve({ status: "timeout" }), options.timeoutMs);
    });
    try {
      const body = { ...command, expiresMs: this.now() + options.ttlMs } as CommandFields;
      await this.aggregator.sendCommand(hallId, agentId, body, id);
      return { id, ...(await answered) };
    } finally {
      clearTimeout(timer);
      this.waiting.delete(id);
    }
  }
}
