import { parseTopic } from "../src/contract/index.js";

/** What the broker does with a publish that has the retain flag set. */
export type RetainDecision =
  /** Stored (or, for an empty payload, the retained message cleared). */
  | "retain"
  /** Delivered with the retain flag cleared: the topic is not one the contract retains. */
  | "not_retainable"
  /** Delivered with the retain flag cleared: storing it would take its agent over its cap. */
  | "over_cap";

/**
 * The retained messages the broker holds, by owner. Only the topics the contract retains may hold one (an
 * agent's status and birth, the aggregator's status: docs/protocol.md §3), so an agent has at most two and
 * their total size is capped; anything else keeps flowing, only without being stored. Memory is bounded by
 * the provisioned agents, since only authorised publishes reach the ledger.
 */
export class RetainedLedger {
  /** owner (hall/agent, or "_aggregator") → topic → payload bytes */
  private readonly owners = new Map<string, Map<string, number>>();
  private count = 0;
  private bytes = 0;

  constructor(private readonly maxBytesPerAgent: number) {}

  decide(topic: string, payloadBytes: number): RetainDecision {
    const owner = retainOwner(topic);
    if (owner === null) return payloadBytes === 0 ? "retain" : "not_retainable";
    const held = this.owners.get(owner) ?? new Map<string, number>();
    const others = [...held.entries()].reduce((sum, [t, b]) => (t === topic ? sum : sum + b), 0);
    if (payloadBytes > 0 && others + payloadBytes > this.maxBytesPerAgent) return "over_cap";
    const before = held.get(topic);
    if (before !== undefined) {
      this.count -= 1;
      this.bytes -= before;
      held.delete(topic);
    }
    if (payloadBytes > 0) {
      held.set(topic, payloadBytes);
      this.count += 1;
      this.bytes += payloadBytes;
    }
    if (held.size === 0) this.owners.delete(owner);
    else this.owners.set(owner, held);
    return "retain";
  }

  stats(): { retainedMessages: number; retainedBytes: number } {
    return { retainedMessages: this.count, retainedBytes: this.bytes };
  }
}

/** Who a retained message on this topic counts against, or null when the topic is not retained at all. */
function retainOwner(topic: string): string | null {
  const parsed = parseTopic(topic);
  if (parsed === null) return null;
  if (parsed.type === "aggregator_status") return "_aggregator";
  if (parsed.type === "status" || parsed.type === "birth") return `${parsed.hallId}/${parsed.agentId}`;
  return null;
}
