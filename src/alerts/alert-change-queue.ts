import type { Logger } from "../logging.js";
import type { AlertChange } from "./alert-service.js";

type Listener = (change: AlertChange) => void;

/** How many changes one event-loop turn hands out before it lets the ingest path (and timers) run again. */
const DEFAULT_MAX_PER_TURN = 500;

/**
 * Hands alert changes to the parts that only report them — the live stream, notifications, the MQTT alert topic,
 * InfluxDB — after the turn that made them, in order, a bounded number per turn. The alert service emits a change
 * inside the reading that raised it; with a storm (a city-wide cut opening hundreds of alerts) and dozens of open
 * consoles, serialising and writing each change for each of them there held the ingest loop up. Changes are
 * immutable snapshots (the alert service makes a new alert object per change), so a later delivery shows exactly
 * what happened. stop() delivers what is still queued, so a shutdown drops nothing.
 */
export class AlertChangeQueue {
  private readonly listeners = new Set<Listener>();
  private queue: AlertChange[] = [];
  private head = 0;
  private scheduled = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly source: (listener: Listener) => () => void,
    private readonly logger: Logger,
    private readonly maxPerTurn = DEFAULT_MAX_PER_TURN,
  ) {}

  start(): void {
    this.unsubscribe ??= this.source((change) => this.push(change));
  }

  /** Delivers what is queued, then stops taking changes. */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.deliver(Number.POSITIVE_INFINITY);
  }

  /** Listens to the changes, in the order the alert service made them; returns the unsubscribe. */
  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Changes made and not yet handed out. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  private push(change: AlertChange): void {
    this.queue.push(change);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.deliver(this.maxPerTurn);
      if (this.pending > 0) this.schedule();
    });
  }

  private deliver(max: number): void {
    let handed = 0;
    while (this.head < this.queue.length && handed < max) {
      const change = this.queue[this.head] as AlertChange;
      this.head += 1;
      handed += 1;
      for (const listener of this.listeners) {
        try {
          listener(change);
        } catch (err) {
          this.logger.error({ err, alertId: change.alert.id }, "an alert change listener failed");
        }
      }
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
  }
}
