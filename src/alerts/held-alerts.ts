import { type Alert, isActive } from "../core/alerts/alert.js";

/**
 * The alerts an alert service holds in memory: the newest of each key (every active one, and those resolved within
 * the flap window), found by key, by id and by hall. The hall index is what lets a hall be reconciled without a walk
 * over the whole province's alerts (at 10,000 halls that walk, once per hall, was most of a 248 ms tick).
 */
export class HeldAlerts {
  private readonly byKey = new Map<string, Alert>();
  private readonly keyById = new Map<string, string>();
  private readonly keysByHall = new Map<string, Set<string>>();

  get(key: string): Alert | undefined {
    return this.byKey.get(key);
  }

  /** The alert with this id if it is the newest of its key; undefined otherwise. */
  byId(id: string): Alert | undefined {
    const key = this.keyById.get(id);
    const alert = key === undefined ? undefined : this.byKey.get(key);
    return alert?.id === id ? alert : undefined;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }

  values(): IterableIterator<Alert> {
    return this.byKey.values();
  }

  /** Holds `alert` as the newest of its key. */
  remember(alert: Alert): void {
    const previous = this.byKey.get(alert.key);
    if (previous && previous.id !== alert.id) this.keyById.delete(previous.id);
    this.byKey.set(alert.key, alert);
    this.keyById.set(alert.id, alert.key);
    let keys = this.keysByHall.get(alert.hallId);
    if (keys === undefined) {
      keys = new Set();
      this.keysByHall.set(alert.hallId, keys);
    }
    keys.add(alert.key);
  }

  forget(key: string): void {
    const alert = this.byKey.get(key);
    if (alert === undefined) return;
    this.byKey.delete(key);
    this.keyById.delete(alert.id);
    const keys = this.keysByHall.get(alert.hallId);
    keys?.delete(key);
    if (keys?.size === 0) this.keysByHall.delete(alert.hallId);
  }

  forgetHall(hallId: string): void {
    for (const key of [...(this.keysByHall.get(hallId) ?? [])]) this.forget(key);
  }

  /** The active alerts of one hall. */
  activeOfHall(hallId: string): Alert[] {
    const active: Alert[] = [];
    for (const key of this.keysByHall.get(hallId) ?? []) {
      const alert = this.byKey.get(key);
      if (alert !== undefined && isActive(alert)) active.push(alert);
    }
    return active;
  }
}
