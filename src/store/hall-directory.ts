import type { OpeningHours } from "../core/calendar/opening-hours.js";
import type { Hall, HallRecords, HallUpsert, HallWithHours } from "./halls.js";
import { VersionWatch } from "./version-watch.js";

/** What the rules, calendars and reports read on their hot paths: synchronous, from memory. */
export interface Halls {
  get(id: string): Hall | null;
  list(): Hall[];
  /** Null when none are set (always open). Throws when the stored hours are invalid, as reading them would. */
  openingHours(id: string): OpeningHours | null;
}

export interface HallDirectoryOptions {
  /** How often another process's changes (the CLI, another node) are looked for (default 2 s; 0: never). */
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
  private readonly watch: VersionWatch;

  private constructor(
    readonly store: HallRecords,
    options: HallDirectoryOptions,
  ) {
    this.watch = new VersionWatch(
      () => store.version(),
      () => this.load(),
      { refreshMs: options.refreshMs ?? 2_000, onRefreshError: options.onRefreshError },
    );
  }

  static async open(store: HallRecords, options: HallDirectoryOptions = {}): Promise<HallDirectory> {
    const directory = new HallDirectory(store, options);
    await directory.refresh();
    return directory;
  }

  get(id: string): Hall | null {
    const hall = this.halls.get(id);
    return hall ? withoutHours(hall) : null;
  }

  /**
   * For the API: a hall not in memory is looked for again in the store, so a hall made a moment ago by the CLI or
   * another node is found at once, not at the next refresh.
   */
  async find(id: string): Promise<Hall | null> {
    const hall = this.get(id);
    if (hall) return hall;
    await this.refresh();
    return this.get(id);
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
    await this.watch.reload();
  }

  async setOpeningHours(id: string, hours: OpeningHours | null): Promise<boolean> {
    const changed = await this.store.setOpeningHours(id, hours);
    if (changed) await this.watch.reload();
    return changed;
  }

  /** Reloads when the records changed since the last load; true when they had. */
  async refresh(): Promise<boolean> {
    return await this.watch.refresh();
  }

  start(): void {
    this.watch.start();
  }

  stop(): void {
    this.watch.stop();
  }

  private async load(): Promise<void> {
    const halls = await this.store.loadAll();
    this.halls = new Map(halls.map((h) => [h.id, h]));
    this.sorted = halls.map(withoutHours);
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
