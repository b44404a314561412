import type { MqttClient } from "mqtt";
import { EventBus } from "../aggregator/event-bus.js";
import { type AlertEvent, alertEventSchema, parseTopic, topics } from "../contract/index.js";
import { topicMatches } from "../contract/topic-filter.js";
import type { Logger } from "../logging.js";

/** Subscribes to an MQTT topic filter; returns how to unsubscribe. */
export type MqttSubscribe = (
  filter: string,
  onMessage: (topic: string, payload: Buffer) => void,
) => () => void;

/** Alert changes raised on other nodes, as the live stream sends them (docs/protocol.md §4.8). */
export type AlertFeed = (listener: (event: AlertEvent) => void) => () => void;

/** Every hall's alert changes, as their owners publish them (alert-publisher.ts). */
export const ALERT_EVENTS_FILTER = topics.alertEvents("+");

export interface AlertRelayOptions {
  subscribe: MqttSubscribe;
  /** Whether this node holds the hall now: its changes reach the stream from this node's own alert service. */
  holds: (hallId: string) => boolean;
  logger: Logger;
}

export interface AlertRelayStats {
  /** Changes of halls held elsewhere, passed to the feed. */
  relayed: number;
  /** Changes of halls held here, skipped (the local stream has them already). */
  heldHere: number;
  /** Messages that were not a valid alert change (bad JSON, wrong shape, a hall other than the topic's). */
  invalid: number;
}

/**
 * The live alert stream on every node (docs/scale-out.md, "Alerts across nodes"): each hall's owner publishes
 * its alerts' changes on `hallwatch/v1/_system/alerts/{hallId}`; this relay hears them all and hands those of
 * halls this node does not hold to its stream (GET /api/alerts/stream, `deps.alertFeed`), so a browser on any node
 * sees every change once.
 */
export class AlertRelay {
  private readonly events: EventBus<{ alert: AlertEvent }>;
  private readonly counts: AlertRelayStats = { relayed: 0, heldHere: 0, invalid: 0 };
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: AlertRelayOptions) {
    this.events = new EventBus(options.logger);
  }

  /** For ApiDeps.alertFeed. */
  readonly feed: AlertFeed = (listener) => this.events.on("alert", listener);

  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.unsubscribe = this.options.subscribe(ALERT_EVENTS_FILTER, (topic, payload) =>
      this.handle(topic, payload),
    );
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  stats(): AlertRelayStats {
    return { ...this.counts };
  }

  private handle(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic);
    if (parsed?.type !== "alert_event") return; // another filter's message on a shared client
    const event = decode(payload);
    if (!event || event.alert.hallId !== parsed.hallId) {
      this.counts.invalid += 1;
      if (this.counts.invalid === 1 || this.counts.invalid % 1000 === 0)
        this.options.logger.warn(
          { topic, invalid: this.counts.invalid },
          "cluster: an alert change on the broker is not valid; dropped",
        );
      return;
    }
    if (this.options.holds(parsed.hallId)) {
      this.counts.heldHere += 1;
      return;
    }
    this.counts.relayed += 1;
    this.events.emit("alert", event);
  }
}

function decode(payload: Buffer): AlertEvent | null {
  try {
    const result = alertEventSchema.safeParse(JSON.parse(payload.toString("utf8")));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/**
 * An MqttSubscribe over an mqtt.js client (for instance the aggregator's own, or one of the node's): subscribes at
 * QoS 1 and passes on the messages whose topic the filter matches. mqtt.js resubscribes after a reconnect.
 */
export function mqttSubscriber(client: MqttClient): MqttSubscribe {
  return (filter, onMessage) => {
    const listener = (topic: string, payload: Buffer) => {
      if (topicMatches(filter, topic)) onMessage(topic, payload);
    };
    client.on("message", listener);
    client.subscribe(filter, { qos: 1 });
    return () => {
      client.off("message", listener);
      client.unsubscribe(filter);
    };
  };
}
