import type { Aggregator } from "../../src/aggregator/aggregator.js";
import { EventBus } from "../../src/aggregator/event-bus.js";
import type { AggregatorEvents } from "../../src/aggregator/events.js";
import { PresenceTracker } from "../../src/core/presence/tracker.js";
import type { Logger } from "../../src/logging.js";

/**
 * Presence for many halls without MQTT: what the alert service reads from the aggregator (its bus, its
 * presence tracker, the broker connection), driven through the real PresenceTracker with agent statuses and
 * births as the aggregator would apply them. Each hall has one agent hosting its gateway.
 */
export class HallFleet {
  readonly bus: EventBus<AggregatorEvents>;
  readonly presence: PresenceTracker;
  private session = 1;

  constructor(
    logger: Logger,
    private readonly now: () => number,
  ) {
    this.bus = new EventBus<AggregatorEvents>(logger);
    this.presence = new PresenceTracker(now());
  }

  /** The stand-in handed to AlertService as its aggregator. */
  get aggregator(): Aggregator {
    return { bus: this.bus, presence: this.presence, isBrokerConnected: true } as unknown as Aggregator;
  }

  gatewayUp(hallId: string): void {
    const agentId = `${hallId}-gw`;
    this.session += 1;
    const tsMs = this.now();
    this.presence.onBirth(
      hallId,
      agentId,
      {
        v: 1,
        session: this.session,
        seq: 0,
        tsMs,
        agent: { id: agentId, version: "1.0.0" },
        devices: [{ id: "gateway", kind: "gateway", model: "GW-1", zone: "back", reportIntervalSec: 60 }],
      },
      false,
      tsMs,
    );
    this.presence.onAgentStatus(
      hallId,
      agentId,
      { v: 1, state: "online", session: this.session, tsMs },
      tsMs,
    );
    this.announce(hallId, agentId, "offline", "online");
  }

  gatewayDown(hallId: string): void {
    const agentId = `${hallId}-gw`;
    const tsMs = this.now();
    const session = this.presence.agent(agentId)?.session ?? this.session;
    this.presence.onAgentStatus(
      hallId,
      agentId,
      { v: 1, state: "offline", session, tsMs, reason: "will" },
      tsMs,
    );
    this.announce(hallId, agentId, "online", "offline");
  }

  private announce(hallId: string, agentId: string, from: "online" | "offline", to: "online" | "offline") {
    const agent = this.presence.agent(agentId);
    if (agent)
      this.bus.emit("agent_connectivity", { agent: { ...agent, hallId }, from, to, atMs: this.now() });
  }
}
