/** Fewest halls a tick re-checks while a backlog is waiting: a small chain is done in one tick, as before. */
export const MIN_RECHECK_HALLS_PER_TICK = 200;

/**
 * Which halls a tick reconciles. Halls whose connectivity changed come first, every one of them. Then the
 * calendar re-check's backlog (every hall, each minute, for opening and closing), a share per tick so that the
 * backlog is worked off within the minute: at 10,000 halls, reconciling every hall in one tick held the event
 * loop for 248 ms (docs/performance.md).
 */
export class HallRecheck {
  /** In insertion order: a hall waits no longer than the halls ahead of it. */
  private readonly backlog = new Set<string>();
  private perTick = MIN_RECHECK_HALLS_PER_TICK;

  /**
   * Queues every hall for a re-check; `tickShare` (a tick's part of the re-check interval) sets how many a tick
   * takes. A hall still waiting from the last re-check keeps its place.
   */
  refill(hallIds: Iterable<string>, tickShare: number): void {
    for (const hallId of hallIds) this.backlog.add(hallId);
    this.perTick = Math.max(MIN_RECHECK_HALLS_PER_TICK, Math.ceil(this.backlog.size * tickShare));
  }

  /** Every urgent hall (the set is emptied), then the next share of the backlog. */
  nextHalls(urgent: Set<string>): string[] {
    const halls = [...urgent];
    urgent.clear();
    for (const hallId of halls) this.backlog.delete(hallId);
    let taken = 0;
    for (const hallId of this.backlog) {
      if (taken === this.perTick) break;
      this.backlog.delete(hallId);
      halls.push(hallId);
      taken += 1;
    }
    return halls;
  }

  /** A hall this node no longer holds. */
  forget(hallId: string): void {
    this.backlog.delete(hallId);
  }

  get waiting(): number {
    return this.backlog.size;
  }
}
