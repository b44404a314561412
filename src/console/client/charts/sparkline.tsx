import { useSession } from "../session.js";
import { type Point, summaryText } from "./summary.js";

const WIDTH = 160;
const HEIGHT = 40;
const PAD = 3;

/**
 * A small line of a value over time (SVG, no library), with an optional marked moment (e.g. an alert's raise),
 * and its min/max/latest as text for everyone (the SVG itself is decoration for screen readers).
 */
export function Sparkline({
  points,
  markMs,
  label,
  format = (v) => String(v),
}: {
  points: Point[];
  markMs?: number;
  label: string;
  format?: (value: number) => string;
}) {
  const { lang } = useSession();
  const summary = summaryText(lang, points, format);
  if (points.length === 0)
    return (
      <figure class="sparkline">
        <figcaption>{`${label}: ${summary}`}</figcaption>
      </figure>
    );
  const times = points.map(([t]) => t);
  const values = points.map(([, v]) => v);
  const t0 = Math.min(...times, markMs ?? Number.POSITIVE_INFINITY);
  const t1 = Math.max(...times, markMs ?? Number.NEGATIVE_INFINITY);
  const v0 = Math.min(...values);
  const v1 = Math.max(...values);
  const x = (t: number) => PAD + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (WIDTH - 2 * PAD);
  const y = (v: number) => HEIGHT - PAD - (v1 === v0 ? 0.5 : (v - v0) / (v1 - v0)) * (HEIGHT - 2 * PAD);
  const line = points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  return (
    <figure class="sparkline">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width={WIDTH}
        height={HEIGHT}
        aria-hidden="true"
        focusable="false"
      >
        {markMs !== undefined && <line class="spark-mark" x1={x(markMs)} x2={x(markMs)} y1={0} y2={HEIGHT} />}
        <polyline class="spark-line" points={line} fill="none" />
        {points.length === 1 && (
          <circle class="spark-dot" cx={x(times[0] ?? 0)} cy={y(values[0] ?? 0)} r={2} />
        )}
      </svg>
      <figcaption>{`${label}: ${summary}`}</figcaption>
    </figure>
  );
}
