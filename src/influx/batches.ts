import type { HistoryPoint } from "./history-point.js";

/** Batches of at most `size` points of one retention policy each, keeping the order within each policy. */
export function splitByPolicy(points: readonly HistoryPoint[], size: number): HistoryPoint[][] {
  const byPolicy = new Map<string, HistoryPoint[]>();
  for (const p of points) {
    const list = byPolicy.get(p.rp);
    if (list) list.push(p);
    else byPolicy.set(p.rp, [p]);
  }
  const batches: HistoryPoint[][] = [];
  for (const list of byPolicy.values()) {
    for (let i = 0; i < list.length; i += size) batches.push(list.slice(i, i + size));
  }
  return batches;
}
