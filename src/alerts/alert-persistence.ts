import type { HallFence } from "../cluster/hall-fence.js";
import type { Alert, HistoryEntry } from "../core/alerts/alert.js";
import type { DeviceConditionStates } from "../core/faults/types.js";
import type { Logger } from "../logging.js";
import type { AlertChangeRecord, AlertPort, ConditionRecord } from "../store/alerts.js";
import { isTransientStoreError, storageErrorText } from "../store/storage-errors.js";
import { Backoff } from "../util/backoff.js";

export interface AlertPersistenceOptions {
  store: AlertPort;
  logger: Logger;
  now: () => number;
  /** Told of every storage error met (the store's health). */
  onStorageError?: (err: unknown) => void;
  /** Alert changes kept in memory at most while the store refuses writes (default 100,000); beyond, counted. */
  maxPendingChanges?: number;
  /** Alert changes written per transaction at most (default 500), so a backlog does not hold one huge one. */
  maxBatch?: number;
  retry?: { initialDelayMs: number; maxDelayMs: number };
  /** With several nodes: which halls this node may still write (default: all). */
  fence?: HallFence;
  /** Halls whose records the fence refused (another node owns them now): they were dropped, not retried. */
  onFenced?: (hallIds: string[]) => void;
}

/**
 * The alert service's writes to the store, decoupled from evaluation: a write the store refuses (full disk,
 * read-only, PostgreSQL unreachable) is kept in memory, in order, and retried with backoff until it succeeds.
 * Evaluation, publication and notification go on meanwhile, so a fault that begins while the disk is full is
 * alerted at once and stored as soon as there is room. Condition states are kept per device (only the latest
 * matters). What is waiting is written in batches, one transaction each, and leaves memory only once committed.
 */
export class AlertPersistence {
  private readonly changes: AlertChangeRecord[] = [];
  private readonly conditions = new Map<string, ConditionRecord>();
  private readonly backoff: Backoff;
  private failing: { sinceMs: number; detail: string } | null = null;
  private retryAtMs = 0;
  private dropped = 0;
  private running: Promise<void> | null = null;
  private again = false;
  /** After a batch failed for a reason other than storage, write this many one at a time to find the bad one. */
  private isolate = 0;

  constructor(private readonly options: AlertPersistenceOptions) {
    this.backoff = new Backoff({
      initialDelayMs: options.retry?.initialDelayMs ?? 500,
      maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
      jitter: 0.3,
    });
  }

  /** Writes waiting for the store (alert changes and device condition states), those being written included. */
  get pending(): number {
    return this.changes.length + this.conditions.size;
  }

  /** Alert changes dropped because memory was full too. */
  get droppedChanges(): number {
    return this.dropped;
  }

  /** An alert change not committed yet, by alert id (the newest). */
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
    void this.flush();
  }

  saveConditions(hallId: string, deviceId: string, states: DeviceConditionStates): void {
    const key = `${hallId}/${deviceId}`;
    // Re-inserted so the map keeps the order of the latest changes.
    this.conditions.delete(key);
    this.conditions.set(key, { hallId, deviceId, states });
    void this.flush();
  }

  /**
   * Writes what is waiting, oldest first; while the store refuses, at most once per backoff delay. Resolves when
   * what was waiting at the call was written or kept for a retry; never rejects.
   */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain();
    return this.running;
  }

  private async drain(): Promise<void> {
    try {
      let more = true;
      while (more) {
        this.again = false;
        const wrote = await this.writeBatch();
        // A flush() asked while this batch was decided or written may have more to write, whatever this one did.
        more = this.again || (wrote && this.pending > 0);
      }
    } finally {
      // In the same step as the last check: a flush() from now on starts a new drain rather than joining this one.
      this.running = null;
    }
  }

  /** One transaction; false when nothing was written (nothing waiting, or the store refuses). */
  private async writeBatch(): Promise<boolean> {
    if (this.pending === 0) return false;
    if (this.failing && this.options.now() < this.retryAtMs) return false;
    const size = this.isolate > 0 ? 1 : (this.options.maxBatch ?? 500);
    const changes = this.changes.slice(0, size);
    const conditions = changes.length < size ? [...this.conditions].slice(0, size - changes.length) : [];
    try {
      const { refusedHalls } = await this.options.store.saveBatch(
        changes,
        conditions.map(([, c]) => c),
        this.options.fence,
      );
      if (refusedHalls.length > 0) {
        // The new owner's state wins: these records are dropped, never retried over it.
        this.options.logger.warn(
          { halls: refusedHalls },
          "alert records of halls now owned by another node were not written",
        );
        this.options.onFenced?.(refusedHalls);
      }
    } catch (err) {
      if (!isTransientStoreError(err)) return this.refused(err, changes.length + conditions.length);
      this.storeFails(err);
      return false;
    }
    this.changes.splice(0, changes.length);
    // A newer state that arrived meanwhile stays to be written.
    for (const [key, c] of conditions) if (this.conditions.get(key) === c) this.conditions.delete(key);
    if (this.isolate > 0) this.isolate -= 1;
    if (this.failing) {
      this.options.logger.warn(
        { sinceMs: this.failing.sinceMs },
        "alerts kept in memory are stored again: the store takes writes",
      );
      this.failing = null;
      this.backoff.reset();
    }
    return true;
  }

  /**
   * Not the disk or the connection: retrying cannot help, and it must not hold back the writes behind it. A batch
   * is retried one write at a time, so only the write that fails is dropped.
   */
  private refused(err: unknown, batchSize: number): boolean {
    if (batchSize > 1) {
      this.isolate = batchSize;
      return true;
    }
    const change = this.changes.shift();
    if (!change) this.conditions.delete(this.conditions.keys().next().value as string);
    if (this.isolate > 0) this.isolate -= 1;
    this.options.logger.error(
      { err, alertId: change?.alert.id },
      "an alert write was refused for a reason other than storage; it is dropped",
    );
    return true;
  }

  private storeFails(err: unknown): void {
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
  }
}
