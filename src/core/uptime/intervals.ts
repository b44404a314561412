/**
 * Half-open time intervals [startMs, endMs) in UTC milliseconds, and the few set operations uptime needs. Inputs
 * may be unsorted, overlapping or empty; outputs are always sorted, disjoint and non-empty (touching ones merged).
 */
export type Interval = readonly [startMs: number, endMs: number];

/** Sorts and merges overlapping or touching intervals; drops empty ones. */
export function normalize(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Same as {@link normalize}: the union of the intervals. */
export const merge = normalize;

export function intersect(xs: readonly Interval[], ys: readonly Interval[]): Interval[] {
  const a = normalize(xs);
  const b = normalize(ys);
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [a0, a1] = a[i] as Interval;
    const [b0, b1] = b[j] as Interval;
    const start = Math.max(a0, b0);
    const end = Math.min(a1, b1);
    if (end > start) out.push([start, end]);
    if (a1 < b1) i += 1;
    else j += 1;
  }
  return out;
}

export function subtract(xs: readonly Interval[], ys: readonly Interval[]): Interval[] {
  const cut = normalize(ys);
  const out: Interval[] = [];
  for (const [start, end] of normalize(xs)) {
    let cursor = start;
    for (const [c0, c1] of cut) {
      if (c1 <= cursor || c0 >= end) continue;
      if (c0 > cursor) out.push([cursor, c0]);
      cursor = Math.max(cursor, c1);
      if (cursor >= end) break;
    }
    if (cursor < end) out.push([cursor, end]);
  }
  return out;
}

/** The part of the intervals inside [fromMs, toMs). */
export function clip(xs: readonly Interval[], fromMs: number, toMs: number): Interval[] {
  return intersect(xs, [[fromMs, toMs]]);
}

/** Total length, overlaps counted once. */
export function totalMs(xs: readonly Interval[]): number {
  return normalize(xs).reduce((sum, [a, b]) => sum + (b - a), 0);
}
