import { type OpeningHours, openIntervals } from "./opening-hours.js";

/** How far a span is looked for: far enough for a night or a weekend, short because asking costs per day. */
const LOOK_AHEAD_MS = 2 * 86_400_000;

interface OpenSpan {
  hours: OpeningHours;
  open: boolean;
  /** The answer holds for [fromMs, untilMs). */
  fromMs: number;
  untilMs: number;
}

/**
 * Whether a hall is open, answered from the span between two of its calendar's boundaries (an opening, a closing)
 * instead of working out the local day for every reading: the calendar (time zone, DST, exceptions) is asked
 * once per span. Keyed by hall; a different hours object (new hours saved) or a time outside the span asks again.
 */
export class OpenStateCache {
  private readonly spans = new Map<string, OpenSpan>();

  isOpenAt(key: string, hours: OpeningHours, atMs: number): boolean {
    const span = this.spans.get(key);
    if (span !== undefined && span.hours === hours && atMs >= span.fromMs && atMs < span.untilMs)
      return span.open;
    const fresh = openSpanAt(hours, atMs);
    this.spans.set(key, fresh);
    return fresh.open;
  }

  clear(): void {
    this.spans.clear();
  }
}

/** The span around `atMs` in which the hall stays open, or closed. */
function openSpanAt(hours: OpeningHours, atMs: number): OpenSpan {
  const toMs = atMs + LOOK_AHEAD_MS;
  const periods = openIntervals(hours, atMs, toMs); // clipped to [atMs, toMs), merged, sorted
  const first = periods[0];
  if (first !== undefined && first[0] === atMs) return { hours, open: true, fromMs: atMs, untilMs: first[1] };
  return { hours, open: false, fromMs: atMs, untilMs: first === undefined ? toMs : first[0] };
}
