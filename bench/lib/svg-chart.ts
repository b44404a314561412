// A small SVG line chart, enough for the harness's charts: one or more series over a shared x axis
// (linear or log), a y axis from zero, ticks, a legend, and an optional dashed target line.
export interface Series {
  name: string;
  points: { x: number; y: number }[];
  color: string;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  logX?: boolean;
  target?: { y: number; label: string };
  width?: number;
  height?: number;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
}

const fmt = (v: number) =>
  Math.abs(v) >= 1000
    ? `${(v / 1000).toLocaleString("en", { maximumFractionDigits: 1 })}k`
    : `${Number(v.toPrecision(3))}`;

export function lineChart(spec: ChartSpec): string {
  const width = spec.width ?? 640;
  const height = spec.height ?? 360;
  const m = { left: 64, right: 16, top: 40, bottom: 84 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const points = spec.series
    .flatMap((s) => s.points)
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xs = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
  const xMin = xs[0] ?? 0;
  const xMax = xs.at(-1) ?? 1;
  const fx = (x: number) => {
    if (xMax === xMin) return m.left + w / 2;
    const t = spec.logX ? Math.log10(x / xMin) / Math.log10(xMax / xMin) : (x - xMin) / (xMax - xMin);
    return m.left + t * w;
  };
  const yTop = Math.max(spec.target?.y ?? 0, ...points.map((p) => p.y), 1) * 1.1;
  const step = niceStep(yTop, 5);
  const yMax = Math.ceil(yTop / step) * step;
  const fy = (y: number) => m.top + h - (y / yMax) * h;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" role="img">`,
    `<title>${esc(spec.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(spec.title)}</text>`,
  ];
  for (let y = 0; y <= yMax + step / 2; y += step) {
    out.push(
      `<line x1="${m.left}" x2="${m.left + w}" y1="${fy(y)}" y2="${fy(y)}" stroke="#e5e5e5"/>`,
      `<text x="${m.left - 6}" y="${fy(y) + 4}" text-anchor="end">${fmt(y)}</text>`,
    );
  }
  for (const x of xs) {
    out.push(
      `<line x1="${fx(x)}" x2="${fx(x)}" y1="${m.top + h}" y2="${m.top + h + 5}" stroke="#333"/>`,
      `<text x="${fx(x)}" y="${m.top + h + 18}" text-anchor="middle">${fmt(x)}</text>`,
    );
  }
  out.push(
    `<line x1="${m.left}" x2="${m.left + w}" y1="${m.top + h}" y2="${m.top + h}" stroke="#333"/>`,
    `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + h}" stroke="#333"/>`,
    `<text x="${m.left + w / 2}" y="${m.top + h + 34}" text-anchor="middle">${esc(spec.xLabel)}</text>`,
    `<text transform="translate(16 ${m.top + h / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`,
  );
  if (spec.target) {
    const y = fy(spec.target.y);
    out.push(
      `<line x1="${m.left}" x2="${m.left + w}" y1="${y}" y2="${y}" stroke="#c00" stroke-dasharray="6 4"/>`,
      `<text x="${m.left + 6}" y="${y - 5}" fill="#c00">${esc(spec.target.label)}</text>`,
    );
  }
  spec.series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (pts.length > 1)
      out.push(
        `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map((p) => `${fx(p.x).toFixed(1)},${fy(p.y).toFixed(1)}`).join(" ")}"/>`,
      );
    for (const p of pts)
      out.push(`<circle cx="${fx(p.x).toFixed(1)}" cy="${fy(p.y).toFixed(1)}" r="3.5" fill="${s.color}"/>`);
    const perRow = Math.min(3, spec.series.length);
    const lx = m.left + ((i % perRow) * w) / perRow;
    const ly = height - 30 + Math.floor(i / perRow) * 18;
    out.push(
      `<rect x="${lx}" y="${ly - 9}" width="12" height="12" fill="${s.color}"/>`,
      `<text x="${lx + 16}" y="${ly + 1}">${esc(s.name)}</text>`,
    );
  });
  out.push("</svg>\n");
  return out.join("\n");
}
