import type { Roster, RosterInput } from "../core/rosters/index.js";
import type { RosterPort } from "./rosters.js";

/**
 * The rosters held in memory for the duty lookup: personal routing and escalation ask who is on duty
 * synchronously, inside the outbox's transaction, so they cannot await the database. Loaded at start, rewritten
 * after every write made through this view, and reloaded every `refreshMs` once started, so a change made on
 * another node (one PostgreSQL shared by several) reaches this node's notices within that time. Every other read
 * goes to the store.
 */
export class RosterView implements RosterPort {
  private rosters: readonly Roster[] = [];
  /** Bumped by each write here: a reload that began before it must not put older rows back. */
  private writes = 0;
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly store: RosterPort,
    private readonly onError: (err: unknown) => void,
  ) {}

  static async open(store: RosterPort, onError: (err: unknown) => void = () => {}): Promise<RosterView> {
    const view = new RosterView(store, onError);
    await view.refresh();
    return view;
  }

  /** The live rosters as last loaded (synchronous, for the duty lookup). */
  current(): readonly Roster[] {
    return this.rosters;
  }

  async refresh(): Promise<void> {
    const writes = this.writes;
    const rosters = await this.store.list();
    if (writes === this.writes) this.rosters = rosters;
  }

  start(refreshMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.refresh().catch(this.onError);
    }, refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  list(): Promise<Roster[]> {
    return this.store.list();
  }

  get(id: string): Promise<Roster | null> {
    return this.store.get(id);
  }

  async save(input: RosterInput, by: string, nowMs: number, id?: string): Promise<Roster> {
    const saved = await this.store.save(input, by, nowMs, id);
    await this.written();
    return saved;
  }

  async remove(id: string, nowMs: number): Promise<Roster | null> {
    const removed = await this.store.remove(id, nowMs);
    if (removed) await this.written();
    return removed;
  }

  feedToken(username: string, nowMs: number): Promise<string> {
    return this.store.feedToken(username, nowMs);
  }

  rotateFeedToken(username: string, nowMs: number): Promise<string> {
    return this.store.rotateFeedToken(username, nowMs);
  }

  feedOwner(token: string): Promise<string | null> {
    return this.store.feedOwner(token);
  }

  private async written(): Promise<void> {
    this.writes += 1;
    const writes = this.writes;
    const rosters = await this.store.list();
    if (writes === this.writes) this.rosters = rosters;
  }
}
