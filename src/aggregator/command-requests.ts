import { randomUUID } from "node:crypto";
import {
  type Command,
  type CommandFields,
  type CommandReply,
  decodeMessage,
  topics,
} from "../contract/index.js";
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
    const stopListening = this.listenElsewhere(hallId, agentId);
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
      stopListening?.();
    }
  }

  /**
   * Several nodes share the halls: the reply to a command for a hall another node owns reaches only that node's
   * aggregator, so this node follows the agent's reply topic itself while it waits (subscribed before the command is
   * sent, so the reply cannot come first).
   */
  private listenElsewhere(hallId: string, agentId: string): (() => void) | null {
    const owned = this.aggregator.ownedHalls;
    if (owned === null || owned.has(hallId)) return null;
    return this.aggregator.subscribeTopic(topics.reply(hallId, agentId), (topic, payload) => {
      const decoded = decodeMessage(topic, payload);
      if (decoded.ok && decoded.value.type === "reply")
        this.waiting.get(decoded.value.message.id)?.(decoded.value.message);
    });
  }
}
