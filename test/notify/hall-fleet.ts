import type { Aggregator } from "../../src/aggregator/aggregator.js";
import { EventBus } from "../../src/aggregator/event-bus.js";
import type { AggregatorEvents } from "../../src/aggregator/events.js";
import { PresenceTracker } from "../../src/core/presence/tracker.js";
import type { PresenceEffect } from "../../src/core/presence/types.js";
import type { Logger } from "../../src/logging.js";
import type { Db } from "../../src/store/database.js";
import { PresenceStore } from "../../src/store/presence-store.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";

/**
 * Presence for many halls without MQTT: what the alert service reads from the aggregator (its bus, its
 * presence tracker, the broker connection), driven through the real PresenceTracker with agent statuses and
 * births as the aggregator would apply them. Each hall has one agent hosting its gateway.
 */
export class HallFleet {
  readonly bus: EventBus<AggregatorEvents>;
  readonly presence: PresenceTracker;
  private readonly stored: PresenceStore;
  /** The writes so far, in order; a read of the history waits for them. */
  private written: Promise<void> = Promise.resolve();
  private session = 1;

  constructor(
    logger: Logger,
    private readonly now: () => number,
    db: Db,
  ) {
    this.bus = new EventBus<AggregatorEvents>(logger);
    this.presence = new PresenceTracker(now());
    this.stored = new PresenceStore(new SqliteEngine(db));
  }

  /** Connectivity history as the aggregator stores it (what uptime is computed from), once written. */
  get history(): Pick<PresenceStore, "connectivityHistory"> {
    return {
      connectivityHistory: async (hallId, deviceId, fromMs, toMs) => {
        await this.written;
        return this.stored.connectivityHistory(hallId, deviceId, fromMs, toMs);
      },
    };
  }

  /** The stand-in handed to AlertService (and the uptime figures) as the aggregator. */
  get aggregator(): Aggregator {
    return {
      bus: this.bus,
      presence: this.presence,
      history: this.history,
      isBrokerConnected: true,
    } as unknown as Aggregator;
  }

  private store(effects: readonly PresenceEffect[]): void {
    const transitions = effects.flatMap((e) =>
      e.type === "device_connectivity"
        ? [{ device: e.device, to: e.to, reason: e.reason, atMs: e.atMs }]
        : [],
    );
    const devices = [...this.presence.allDevices()];
    this.written = this.written.then(() => this.stored.save(devices, [], transitions));
  }

  gatewayUp(hallId: string): void {
    const agentId = `${hallId}-gw`;
    this.session += 1;
    const tsMs = this.now();
    const born = this.presence.onBirth(
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
    const online = this.presence.onAgentStatus(
      hallId,
      agentId,
      { v: 1, state: "online", session: this.session, tsMs },
      tsMs,
    );
    this.store([...born, ...online]);
    this.announce(hallId, agentId, "offline", "online");
  }

  gatewayDown(hallId: string): void {
    const agentId = `${hallId}-gw`;
    const tsMs = this.now();
    const session = this.presence.agent(agentId)?.session ?? this.session;
    this.store(
      this.presence.onAgentStatus(
        hallId,
        agentId,
        { v: 1, state: "offline", session, tsMs, reason: "will" },
        tsMs,
      ),
    );
    this.announce(hallId, agentId, "online", "offline");
  }

  private announce(hallId: string, agentId: string, from: "online" | "offline", to: "online" | "offline") {
    const agent = this.presence.agent(agentId);
    if (agent)
      this.bus.emit("agent_connectivity", { agent: { ...agent, hallId }, from, to, atMs: this.now() });
  }
}
