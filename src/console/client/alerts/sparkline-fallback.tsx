/**
 * A minimal sparkline (inline SVG polyline) with the same props as charts/sparkline.tsx, used until that one is
 * merged. `markMs` draws a vertical line (the raise time). The label names the chart for screen readers.
 */
export function Sparkline({
  points,
  markMs,
  label,
}: {
  points: [number, number][];
  markMs?: number;
  label: string;
}) {
  const W = 300;
  const H = 60;
  if (points.length === 0) return null;
  const xs = points.map(([t]) => t);
  const ys = points.map(([, v]) => v);
  const x0 = Math.min(...xs, markMs ?? Number.POSITIVE_INFINITY);
  const x1 = Math.max(...xs, markMs ?? Number.NEGATIVE_INFINITY);
  const y0 = Math.min(...ys);
  const y1 = Math.max(...ys);
  const x = (t: number) => (x1 === x0 ? W / 2 : ((t - x0) / (x1 - x0)) * (W - 4) + 2);
  const y = (v: number) => (y1 === y0 ? H / 2 : H - 4 - ((v - y0) / (y1 - y0)) * (H - 8));
  return (
    <svg class="sparkline" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} preserveAspectRatio="none">
      {markMs !== undefined ? <line class="mark" x1={x(markMs)} x2={x(markMs)} y1={0} y2={H} /> : null}
      <polyline points={points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" ")} />
      {points.length === 1 ? <circle cx={x(points[0]![0])} cy={y(points[0]![1])} r={3} /> : null}
    </svg>
  );
}
