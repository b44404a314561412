import { api } from "../api.js";
import type { AlertView } from "../types.js";

type Listener = () => void;

/**
 * The open alerts of the signed-in user, kept current by the live stream for the whole session (not per page).
 * The stream opens before the list loads, so a change made while the list loads is not lost; for an alert seen
 * in both, whichever was seen last wins.
 */
export class AlertFeed {
  readonly alerts = new Map<string, AlertView>();
  streamUp = false;
  loaded = false;
  loadError: Error | null = null;
  private stream: EventSource | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly arrivals = new Set<(alert: AlertView, isNew: boolean) => void>();

  start(): void {
    if (this.stream) return;
    const stream = new EventSource("/api/alerts/stream");
    this.stream = stream;
    stream.onopen = () => {
      const wasDown = !this.streamUp;
      this.streamUp = true;
      // After a drop, reload the list: changes made while the stream was down were not streamed.
      if (wasDown && this.loaded) void this.reload();
      this.emit();
    };
    stream.onerror = () => {
      this.streamUp = false;
      this.emit();
    };
    stream.addEventListener("alert", (event) => {
      const change = JSON.parse((event as MessageEvent<string>).data) as { alert: AlertView };
      const previous = this.alerts.get(change.alert.id);
      const merged = { ...previous, ...change.alert };
      this.alerts.set(change.alert.id, merged);
      for (const arrival of this.arrivals) arrival(merged, !previous);
      this.emit();
    });
    void this.reload();
  }

  stop(): void {
    this.stream?.close();
    this.stream = null;
    this.streamUp = false;
    this.alerts.clear();
    this.loaded = false;
  }

  async reload(): Promise<void> {
    try {
      const list = await api<{ items: AlertView[] }>("GET", "/api/alerts?status=active&limit=500");
      for (const alert of list.items) {
        const seen = this.alerts.get(alert.id);
        if (!seen || seen.lastSeenMs < alert.lastSeenMs) this.alerts.set(alert.id, alert);
      }
      this.loaded = true;
      this.loadError = null;
    } catch (err) {
      this.loadError = err as Error;
    }
    this.emit();
  }

  active(): AlertView[] {
    return [...this.alerts.values()].filter((alert) => alert.status !== "resolved");
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called for every streamed change; `isNew` when the alert was not known before. */
  onArrival(listener: (alert: AlertView, isNew: boolean) => void): () => void {
    this.arrivals.add(listener);
    return () => this.arrivals.delete(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

export const alertFeed = new AlertFeed();
