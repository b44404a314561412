/**
 * Items due at a time, in one-second buckets, so that finding what is due costs in proportion to what is due rather
 * than to every item held. An item is in at most one bucket: scheduling it again moves it (its old entry is
 * skipped when its bucket comes up). An item is handed out from the start of the second its deadline falls in, so
 * up to a second early: the caller checks the exact time and schedules it again if it is not yet due.
 *
 * The silence check uses it lazily: a device is scheduled at the deadline it had when scheduled; when that comes
 * up, the caller recomputes the deadline (fresh data moved it later) and schedules it again or acts. So data, the
 * common case, costs the wheel nothing.
 */
export class DeadlineWheel<T extends object> {
  private readonly buckets = new Map<number, T[]>();
  /** Each scheduled item's bucket; an entry in another bucket is stale. */
  private readonly bucketOf = new Map<T, number>();
  /** Buckets before this second have been emptied. */
  private cursorSec: number | null = null;

  get size(): number {
    return this.bucketOf.size;
  }

  schedule(item: T, deadlineMs: number): void {
    const sec = Math.floor(deadlineMs / 1000);
    if (this.bucketOf.get(item) === sec) return;
    this.bucketOf.set(item, sec);
    let bucket = this.buckets.get(sec);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(sec, bucket);
    }
    bucket.push(item);
    if (this.cursorSec !== null && sec < this.cursorSec) this.cursorSec = sec;
  }

  /** Schedules the item unless it is already due earlier. */
  scheduleNoLaterThan(item: T, deadlineMs: number): void {
    const current = this.bucketOf.get(item);
    if (current === undefined || Math.floor(deadlineMs / 1000) < current) this.schedule(item, deadlineMs);
  }

  forget(item: T): void {
    this.bucketOf.delete(item);
  }

  /**
   * Takes up to `max` items due at `nowMs`, earliest bucket first, and unschedules them. What is left over stays
   * due for the next call.
   */
  takeDue(nowMs: number, max = Number.POSITIVE_INFINITY): T[] {
    const nowSec = Math.floor(nowMs / 1000);
    const taken: T[] = [];
    for (const sec of this.dueSeconds(nowSec)) {
      const bucket = this.buckets.get(sec);
      if (bucket === undefined) continue;
      let at = 0;
      while (at < bucket.length && taken.length < max) {
        const item = bucket[at++] as T;
        if (this.bucketOf.get(item) !== sec) continue;
        this.bucketOf.delete(item);
        taken.push(item);
      }
      if (at < bucket.length) {
        bucket.splice(0, at);
        this.cursorSec = sec;
        return taken;
      }
      this.buckets.delete(sec);
    }
    this.cursorSec = nowSec + 1;
    return taken;
  }

  /** The seconds up to now that may hold a bucket, in order: stepping when few, else from the buckets held. */
  private dueSeconds(nowSec: number): number[] {
    const from = this.cursorSec ?? Number.NEGATIVE_INFINITY;
    if (nowSec - from <= this.buckets.size) {
      const seconds: number[] = [];
      for (let sec = from; sec <= nowSec; sec += 1) seconds.push(sec);
      return seconds;
    }
    return [...this.buckets.keys()].filter((sec) => sec <= nowSec).sort((a, b) => a - b);
  }
}
