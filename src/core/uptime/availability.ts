import { clip, type Interval, intersect, subtract, totalMs } from "./intervals.js";

export type { FaultPeriod } from "./reliability.js";

export interface StateSpan {
  connectivity: "online" | "offline" | "unknown";
  startMs: number;
  /** null: still current (ends at `nowMs`). */
  endMs: number | null;
}

export interface Availability {
  /** Time the device should have been up: expected (opening hours or around the clock) minus maintenance. */
  expectedMs: number;
  upMs: number;
  downMs: number;
  /** Expected time the aggregator could not tell (it had lost the broker): neither up nor down. */
  unknownMs: number;
  maintenanceMs: number;
  /** upMs / (upMs + downMs); null when nothing was expected or nothing could be told. */
  ratio: number | null;
}

/**
 * Availability of one device over [fromMs, toMs), up to `nowMs` (a span with `endMs: null` runs to `nowMs`; time
 * after `nowMs` is not expected yet). `watched` is when the device must be up by its kind's policy (see
 * `expectedUpIntervals` in src/core/calendar/watch-policy.ts), `maintenance` its maintenance periods.
 * Time before the device was first known is not expected of it; maintenance is never counted as expected, up or
 * down; unknown time is reported apart, not as down; expected time with no record at all counts as down.
 * Intervals may extend beyond the range: they are clipped here.
 */
export function availability(
  history: readonly StateSpan[],
  watched: readonly Interval[],
  maintenance: readonly Interval[],
  fromMs: number,
  toMs: number,
  nowMs: number,
): Availability {
  const end = Math.min(toMs, nowMs);
  const firstKnownMs = history.reduce((min, s) => Math.min(min, s.startMs), Number.POSITIVE_INFINITY);
  const window: Interval[] =
    end > Math.max(fromMs, firstKnownMs) ? [[Math.max(fromMs, firstKnownMs), end]] : [];
  const maintained = intersect(clip(maintenance, fromMs, end), intersect(watched, window));
  const due = subtract(intersect(watched, window), maintenance);
  const spans = (state: StateSpan["connectivity"]) =>
    history.filter((s) => s.connectivity === state).map((s): Interval => [s.startMs, s.endMs ?? nowMs]);
  const online = spans("online");
  // Should spans ever overlap, online wins over unknown, so up + unknown never exceeds expected.
  const upMs = totalMs(intersect(due, online));
  const unknownMs = totalMs(intersect(due, subtract(spans("unknown"), online)));
  const expectedMs = totalMs(due);
  const downMs = expectedMs - upMs - unknownMs;
  return {
    expectedMs,
    upMs,
    downMs,
    unknownMs,
    maintenanceMs: totalMs(maintained),
    ratio: upMs + downMs > 0 ? upMs / (upMs + downMs) : null,
  };
}

/** Sums per-device figures into a kind or hall figure (ratios are recomputed, never averaged). */
export function sumAvailability(items: readonly Availability[]): Availability {
  const sum = (k: keyof Omit<Availability, "ratio">) => items.reduce((s, a) => s + a[k], 0);
  const upMs = sum("upMs");
  const downMs = sum("downMs");
  return {
    expectedMs: sum("expectedMs"),
    upMs,
    downMs,
    unknownMs: sum("unknownMs"),
    maintenanceMs: sum("maintenanceMs"),
    ratio: upMs + downMs > 0 ? upMs / (upMs + downMs) : null,
  };
}
