import { formatTime } from "../dom.js";
import { CHART_TEXT } from "../i18n/charts.js";
import type { Lang } from "../i18n.js";

export type Point = [tsMs: number, value: number];

/** Min, max and latest of a series, or null when it is empty. */
export function extremes(points: readonly Point[]): { min: number; max: number; latest: Point } | null {
  const last = points[points.length - 1];
  if (!last) return null;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const [, v] of points) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max, latest: last };
}

/** The line a screen reader reads instead of the chart: "Min 1.02 MPa, max 1.1 MPa, latest 1.05 MPa (12:04)". */
export function summaryText(lang: Lang, points: readonly Point[], show: (value: number) => string): string {
  const w = CHART_TEXT[lang];
  const e = extremes(points);
  if (!e) return w.noData;
  const sep = lang === "zh" ? "，" : ", ";
  return [
    `${w.min} ${show(e.min)}`,
    `${w.max} ${show(e.max)}`,
    `${w.latest} ${show(e.latest[1])} (${formatTime(e.latest[0], lang)})`,
    `${points.length} ${w.points}`,
  ].join(sep);
}
