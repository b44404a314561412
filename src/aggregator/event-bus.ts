import type { Logger } from "../logging.js";

/**
 * A small typed event bus. Each listener runs in its own try/catch so one failing feature
 * never breaks ingestion or another feature.
 */
export class EventBus<Events extends { [K in keyof Events]: unknown }> {
  private readonly listeners = new Map<keyof Events, Array<(payload: never) => void>>();

  constructor(private readonly logger: Logger) {}

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    const list = this.listeners.get(event) ?? [];
    list.push(listener as (payload: never) => void);
    this.listeners.set(event, list);
    return () => {
      const current = this.listeners.get(event);
      if (current)
        this.listeners.set(
          event,
          current.filter((l) => l !== listener),
        );
    };
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const list = this.listeners.get(event);
    if (!list) return;
    for (const listener of list) {
      try {
        (listener as (p: Events[K]) => void)(payload);
      } catch (err) {
        this.logger.error({ err, event: String(event) }, "event listener failed");
      }
    }
  }
}
