import { type OpeningHours, openIntervals } from "./opening-hours.js";

/** How far a span is looked for: far enough for a night or a weekend, short because asking costs per day. */
const LOOK_AHEAD_MS = 2 * 86_400_000;
const DAY_MS = 86_400_000;
/** Schedules remembered before the cache starts over (hours edited many times over the years). */
const MAX_SCHEDULES = 10_000;

interface OpenSpan {
  open: boolean;
  /** The answer holds for [fromMs, untilMs). */
  fromMs: number;
  untilMs: number;
}

/**
 * Whether a hall is open, answered from the span between two of its calendar's boundaries (an opening, a closing)
 * instead of working out the local day for every reading: the calendar (time zone, DST, exceptions) is asked
 * once per span. Keyed by the schedule's content, not by hall: halls of a chain mostly keep the same hours, and
 * asking costs about 170 µs, so a province's 10,000 halls asked once each at every opening and closing held the
 * event loop for seconds. New hours for a hall are a different schedule; a time outside the span asks again.
 */
export class OpenStateCache {
  private readonly spans = new Map<string, OpenSpan>();
  private readonly openings = new Map<string, { atMs: number; openedMs: number | null }>();
  private readonly keys = new WeakMap<OpeningHours, string>();
  private lookups = 0;

  isOpenAt(hours: OpeningHours, atMs: number): boolean {
    const key = this.keyOf(hours);
    const span = this.spans.get(key);
    if (span !== undefined && atMs >= span.fromMs && atMs < span.untilMs) return span.open;
    this.lookups += 1;
    const fresh = openSpanAt(hours, atMs);
    this.spans.set(key, fresh);
    return fresh.open;
  }

  /**
   * When the opening the hall is in at `atMs` began, looking back at most a day (a hall open around the clock
   * opened a day ago); null when it is closed. Remembered per schedule for one instant: a pass over many halls at
   * the same time asks once per schedule.
   */
  openedAt(hours: OpeningHours, atMs: number): number | null {
    const key = this.keyOf(hours);
    const known = this.openings.get(key);
    if (known !== undefined && known.atMs === atMs) return known.openedMs;
    this.lookups += 1;
    const current = openIntervals(hours, atMs - DAY_MS, atMs + 1).at(-1);
    const openedMs = current !== undefined && current[1] > atMs ? current[0] : null;
    this.openings.set(key, { atMs, openedMs });
    return openedMs;
  }

  /** How often the calendar itself was asked. */
  get calendarLookups(): number {
    return this.lookups;
  }

  clear(): void {
    this.spans.clear();
    this.openings.clear();
  }

  private keyOf(hours: OpeningHours): string {
    let key = this.keys.get(hours);
    if (key === undefined) {
      key = JSON.stringify(hours);
      this.keys.set(hours, key);
      if (this.spans.size >= MAX_SCHEDULES || this.openings.size >= MAX_SCHEDULES) this.clear();
    }
    return key;
  }
}

/** The span around `atMs` in which the hall stays open, or closed. */
function openSpanAt(hours: OpeningHours, atMs: number): OpenSpan {
  const toMs = atMs + LOOK_AHEAD_MS;
  const periods = openIntervals(hours, atMs, toMs); // clipped to [atMs, toMs), merged, sorted
  const first = periods[0];
  if (first !== undefined && first[0] === atMs) return { open: true, fromMs: atMs, untilMs: first[1] };
  return { open: false, fromMs: atMs, untilMs: first === undefined ? toMs : first[0] };
}
