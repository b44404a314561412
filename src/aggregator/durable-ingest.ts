import type { Logger } from "../logging.js";
import type { CounterStore } from "../store/counters.js";
import { IngestLog, IngestLogWriteError, type LoggedMessage } from "./ingest-log.js";

export interface DurableIngestOptions {
  dir: string;
  logger: Logger;
  counters: CounterStore;
  /** Writes everything the aggregator holds in memory to the store; resolves once written (Aggregator.flush). */
  flushState: () => Promise<void>;
  /** How often a checkpoint may delete what is durable elsewhere (default 2000). */
  checkpointIntervalMs?: number;
}

export interface DurableIngestStats {
  /** Messages acknowledged without being in the write-ahead log (it could not be written): lost by a crash. */
  messagesUnlogged: number;
  /** Lines of the log found cut short or unreadable at a replay. */
  logLinesUnreadable: number;
  /** Messages replayed from the log at start. */
  messagesReplayed: number;
  checkpoints: number;
}

const COUNTER_UNLOGGED = "ingest_log_unlogged";
const COUNTER_UNREADABLE = "ingest_log_unreadable";

/**
 * Makes the aggregator's ingest survive SIGKILL: each message is in the write-ahead log (IngestLog) before its
 * PUBACK; at start the log is replayed through the normal path before the aggregator announces itself online;
 * a checkpoint deletes the log up to a point once SQLite has the state (flushState) and every durability
 * barrier (the InfluxDB writer: written or in its disk buffer) has resolved. What can still be lost is counted
 * in counters that survive restarts (the `counters` table). docs/reliability.md has the reasoning.
 */
export class DurableIngest {
  private readonly log: IngestLog;
  private readonly barriers: (() => Promise<void>)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private checkpointing: Promise<boolean> | null = null;
  private unlogged = 0;
  private unreadable = 0;
  private replayed = 0;
  private checkpoints = 0;
  private appendFailing = false;
  private commitScheduled = false;
  /** The counters' write under way, and whether they changed since it began (one write at a time). */
  private savingCounters: Promise<void> | null = null;
  private countersChanged = false;

  constructor(private readonly options: DurableIngestOptions) {
    this.log = new IngestLog({ dir: options.dir });
  }

  async open(): Promise<void> {
    const counters = await this.options.counters.load();
    this.unlogged = counters.get(COUNTER_UNLOGGED) ?? 0;
    this.unreadable = counters.get(COUNTER_UNREADABLE) ?? 0;
    try {
      this.log.open();
    } catch (err) {
      // A full or read-only disk must not keep the aggregator from starting: it runs without the log (and counts).
      this.appendFailing = true;
      this.options.logger.error(
        { err: (err as Error).message, dir: this.options.dir },
        "cannot open the ingest log: messages are acknowledged without it and a crash loses them",
      );
    }
  }

  /**
   * Appends a received message before it is acknowledged; it is written by the next commit(), which must run
   * before the PUBACK leaves (the aggregator commits before every write to its connection) and otherwise runs at
   * the end of this event-loop turn. Should the log not take it, the message is still processed (and
   * acknowledged): it is then only in memory until the next checkpoint, and counted.
   */
  record(message: LoggedMessage): void {
    try {
      this.log.append(message);
    } catch (err) {
      this.lost(1, err as Error);
      return;
    }
    if (!this.commitScheduled) {
      this.commitScheduled = true;
      setImmediate(() => {
        this.commitScheduled = false;
        this.commit();
      });
    }
  }

  /** Writes what record() holds, in one write(2); a refusal is counted and logged, never thrown. */
  commit(): void {
    if (this.log.pendingLines === 0) return;
    try {
      this.log.commit();
    } catch (err) {
      this.lost(err instanceof IngestLogWriteError ? err.lines : 1, err as Error);
      return;
    }
    if (this.appendFailing) {
      this.appendFailing = false;
      this.options.logger.warn("the ingest log takes writes again");
    }
  }

  private lost(messages: number, err: Error): void {
    this.unlogged += messages;
    if (!this.appendFailing) {
      this.appendFailing = true;
      this.options.logger.error(
        { err: err.message },
        "cannot write the ingest log: messages are acknowledged without it and a crash loses them",
      );
    }
    this.saveCounters();
  }

  /** Feeds every logged message, oldest first, to `process` (the aggregator's normal path). */
  replay(process: (message: LoggedMessage) => void): number {
    let n = 0;
    const before = this.log.unreadableLines;
    try {
      for (const message of this.log.entries()) {
        process(message);
        n += 1;
      }
    } catch (err) {
      this.options.logger.error({ err: (err as Error).message }, "cannot read the ingest log");
    }
    this.replayed += n;
    const torn = this.log.unreadableLines - before;
    if (torn > 0) {
      this.unreadable += torn;
      this.saveCounters();
    }
    if (n > 0 || torn > 0)
      this.options.logger.info({ messages: n, unreadableLines: torn }, "replayed the ingest log");
    return n;
  }

  /** A promise that resolves once everything handed over before the call is durable (e.g. InfluxDB's buffer). */
  addBarrier(barrier: () => Promise<void>): void {
    this.barriers.push(barrier);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.checkpoint(), this.options.checkpointIntervalMs ?? 2000);
    this.timer.unref();
  }

  /**
   * Rotates the log, writes the state to SQLite, waits for the barriers, then deletes the rotated segments.
   * Every message in them was processed synchronously on arrival (or replay), so their effects are all in what
   * was flushed or handed to the barriers. Resolves false when nothing was done or a step failed.
   */
  checkpoint(): Promise<boolean> {
    if (this.checkpointing) return this.checkpointing;
    this.checkpointing = this.runCheckpoint().finally(() => {
      this.checkpointing = null;
    });
    return this.checkpointing;
  }

  /** Stops checkpointing; the log stays on disk for the next start. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checkpointing;
    this.commit();
    await this.savingCounters;
    this.log.close();
  }

  stats(): DurableIngestStats {
    return {
      messagesUnlogged: this.unlogged,
      logLinesUnreadable: this.unreadable,
      messagesReplayed: this.replayed,
      checkpoints: this.checkpoints,
    };
  }

  private async runCheckpoint(): Promise<boolean> {
    if (this.log.pendingInSegment === 0 && this.checkpoints > 0) return false;
    try {
      this.commit(); // what is refused here is counted: it is in memory, and in the state this checkpoint flushes
      const through = this.log.rotate();
      await this.options.flushState();
      await Promise.all(this.barriers.map((b) => b()));
      this.log.removeThrough(through);
      this.checkpoints += 1;
      return true;
    } catch (err) {
      this.options.logger.warn(
        { err: (err as Error).message },
        "ingest log checkpoint failed; the log is kept",
      );
      return false;
    }
  }

  /**
   * Stores the counters in the background; errors are swallowed (they are written again with the next change). A
   * change while a write is under way is written once after it, not once per message.
   */
  private saveCounters(): void {
    this.countersChanged = true;
    this.savingCounters ??= this.writeCounters();
  }

  private async writeCounters(): Promise<void> {
    while (this.countersChanged) {
      this.countersChanged = false;
      await this.options.counters
        .saveAll(
          new Map([
            [COUNTER_UNLOGGED, this.unlogged],
            [COUNTER_UNREADABLE, this.unreadable],
          ]),
        )
        .catch(() => undefined);
    }
    this.savingCounters = null; // in the same turn as the last check: a change after it starts a new write
  }
}
