import type { Alert, HistoryEntry } from "../core/alerts/alert.js";
import type { DeviceConditionStates } from "../core/faults/types.js";
import type { Logger } from "../logging.js";
import type { AlertStore } from "../store/alerts.js";
import { isStorageError, storageErrorText } from "../store/storage-errors.js";
import { Backoff } from "../util/backoff.js";

export interface AlertPersistenceOptions {
  store: AlertStore;
  logger: Logger;
  now: () => number;
  /** Told of every storage error met (the store's health). */
  onStorageError?: (err: unknown) => void;
  /** Alert changes kept in memory at most while the store refuses writes (default 100,000); beyond, counted. */
  maxPendingChanges?: number;
  retry?: { initialDelayMs: number; maxDelayMs: number };
}

/**
 * The alert service's writes to SQLite, decoupled from evaluation: a write the store refuses (full disk, read-only)
 * is kept in memory, in order, and retried with backoff until it succeeds. Evaluation, publication and
 * notification go on meanwhile, so a fault that begins while the disk is full is alerted at once and stored as
 * soon as there is room. Condition states are kept per device (only the latest matters).
 */
export class AlertPersistence {
  private readonly changes: { alert: Alert; entry: HistoryEntry | null }[] = [];
  private readonly conditions = new Map<
    string,
    { hallId: string; deviceId: string; states: DeviceConditionStates }
  >();
  private readonly backoff: Backoff;
  private failing: { sinceMs: number; detail: string } | null = null;
  private retryAtMs = 0;
  private dropped = 0;

  constructor(private readonly options: AlertPersistenceOptions) {
    this.backoff = new Backoff({
      initialDelayMs: options.retry?.initialDelayMs ?? 500,
      maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
      jitter: 0.3,
    });
  }

  /** Writes waiting for the store (alert changes and device condition states). */
  get pending(): number {
    return this.changes.length + this.conditions.size;
  }

  /** Alert changes dropped because memory was full too. */
  get droppedChanges(): number {
    return this.dropped;
  }

  /** An alert change not written yet, by alert id (the newest). */
  pendingAlert(id: string): Alert | null {
    for (let i = this.changes.length - 1; i >= 0; i--) {
      if (this.changes[i]!.alert.id === id) return this.changes[i]!.alert;
    }
    return null;
  }

  saveAlert(alert: Alert, entry: HistoryEntry | null): void {
    if (this.changes.length >= (this.options.maxPendingChanges ?? 100_000)) {
      this.dropped += 1;
      if (this.dropped === 1 || this.dropped % 1000 === 0)
        this.options.logger.error(
          { dropped: this.dropped },
          "alert changes waiting for the store exceed the limit; the newest are not stored",
        );
    } else {
      this.changes.push({ alert, entry });
    }
    this.flush();
  }

  saveConditions(hallId: string, deviceId: string, states: DeviceConditionStates): void {
    const key = `${hallId}/${deviceId}`;
    // Re-inserted so the map keeps the order of the latest changes.
    this.conditions.delete(key);
    this.conditions.set(key, { hallId, deviceId, states });
    this.flush();
  }

  /** Writes what is waiting, oldest first; while the store refuses, at most once per backoff delay. */
  flush(): void {
    if (this.pending === 0) return;
    if (this.failing && this.options.now() < this.retryAtMs) return;
    const { store } = this.options;
    try {
      while (this.changes.length > 0) {
        const { alert, entry } = this.changes[0]!;
        store.save(alert, entry);
        this.changes.shift();
      }
      for (const [key, c] of this.conditions) {
        store.saveConditions(c.hallId, c.deviceId, c.states);
        this.conditions.delete(key);
      }
    } catch (err) {
      if (!isStorageError(err)) {
        // Not the disk: retrying cannot help, and it must not hold back the writes behind it.
        if (this.changes.length > 0) this.changes.shift();
        else this.conditions.delete(this.conditions.keys().next().value as string);
        throw err;
      }
      this.options.onStorageError?.(err);
      const nowMs = this.options.now();
      this.retryAtMs = nowMs + this.backoff.nextDelayMs();
      if (!this.failing) {
        this.failing = { sinceMs: nowMs, detail: storageErrorText(err) };
        this.options.logger.error(
          { err: this.failing.detail },
          "cannot store alerts: they are raised, published and notified anyway, kept in memory and written when the store takes writes again",
        );
      }
      return;
    }
    if (this.failing) {
      this.options.logger.warn(
        { sinceMs: this.failing.sinceMs },
        "alerts kept in memory are stored again: the store takes writes",
      );
      this.failing = null;
      this.backoff.reset();
    }
  }
}
