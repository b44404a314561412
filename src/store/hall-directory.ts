import type { OpeningHours } from "../core/calendar/opening-hours.js";
import type { Hall, HallRecords, HallUpsert, HallWithHours } from "./halls.js";

/** What the rules, calendars and reports read on their hot paths: synchronous, from memory. */
export interface Halls {
  get(id: string): Hall | null;
  list(): Hall[];
  /** Null when none are set (always open). Throws when the stored hours are invalid, as reading them would. */
  openingHours(id: string): OpeningHours | null;
}

export interface HallDirectoryOptions {
  /** How often another process's changes (the CLI, another node) are looked for (default 10 s; 0: never). */
  refreshMs?: number;
  onRefreshError?: (err: unknown) => void;
}

/**
 * Every hall and its opening hours held in memory, so the alert rules and calendars read them synchronously while
 * the records live in SQLite or PostgreSQL. Writes go through to the store first. Changes made elsewhere are seen
 * at the next refresh: a refresh reads one version number and reloads only when it moved.
 */
export class HallDirectory implements Halls {
  private halls = new Map<string, HallWithHours>();
  private sorted: Hall[] = [];
  private loadedVersion = -1;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<boolean> | null = null;

  private constructor(
    readonly store: HallRecords,
    private readonly options: HallDirectoryOptions,
  ) {}

  static async open(store: HallRecords, options: HallDirectoryOptions = {}): Promise<HallDirectory> {
    const directory = new HallDirectory(store, options);
    await directory.refresh();
    return directory;
  }

  get(id: string): Hall | null {
    const hall = this.halls.get(id);
    return hall ? withoutHours(hall) : null;
  }

  list(): Hall[] {
    return this.sorted.map((h) => ({ ...h }));
  }

  openingHours(id: string): OpeningHours | null {
    const hours = this.halls.get(id)?.openingHours ?? null;
    if (hours instanceof Error) throw hours;
    return hours;
  }

  async upsert(hall: HallUpsert, nowMs?: number): Promise<void> {
    await this.store.upsert(hall, nowMs);
    await this.reload();
  }

  async setOpeningHours(id: string, hours: OpeningHours | null): Promise<boolean> {
    const changed = await this.store.setOpeningHours(id, hours);
    if (changed) await this.reload();
    return changed;
  }

  /** Reloads when the records changed since the last load; true when they had. */
  async refresh(): Promise<boolean> {
    if (this.refreshing) return await this.refreshing;
    this.refreshing = (async () => {
      try {
        const version = await this.store.version();
        if (version === this.loadedVersion) return false;
        await this.load(version);
        return true;
      } finally {
        this.refreshing = null;
      }
    })();
    return await this.refreshing;
  }

  start(): void {
    const refreshMs = this.options.refreshMs ?? 10_000;
    if (refreshMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.refresh().catch((err) => this.options.onRefreshError?.(err));
    }, refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** After this process's own write: the version read before the rows, so a concurrent change is not missed. */
  private async reload(): Promise<void> {
    await this.load(await this.store.version());
  }

  private async load(version: number): Promise<void> {
    const halls = await this.store.loadAll();
    this.halls = new Map(halls.map((h) => [h.id, h]));
    this.sorted = halls.map(withoutHours);
    this.loadedVersion = version;
  }
}

function withoutHours(hall: HallWithHours): Hall {
  return {
    id: hall.id,
    name: hall.name,
    timeZone: hall.timeZone,
    region: hall.region,
    createdMs: hall.createdMs,
  };
}
