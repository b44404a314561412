import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import { fieldValue } from "../i18n/codes.js";
import { useSession } from "../session.js";
import { type Point, summaryText } from "./summary.js";

const HEIGHT_PX = 180;

export interface Band {
  min: number;
  max: number | null;
  label: string;
}

/**
 * A value over time drawn with uPlot on a canvas, with an optional normal band (e.g. an extinguisher's green
 * zone) shaded behind the line, and its min/max/latest beside it as text, which screen readers read instead.
 */
export function TimeChart({
  testId,
  label,
  field,
  points,
  band,
  fromMs,
  toMs,
}: {
  testId: string;
  label: string;
  field: string;
  points: Point[];
  /** The time axis always spans the whole period asked for, however few points it holds. */
  fromMs: number;
  toMs: number;
  band?: Band | null;
}) {
  const { lang } = useSession();
  const format = (value: number) => fieldValue(lang, field, value);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || points.length === 0) return;
    const values = points.map(([, v]) => v);
    const lo = Math.min(...values, band?.min ?? Number.POSITIVE_INFINITY);
    const hi = Math.max(...values, band?.max ?? Number.NEGATIVE_INFINITY);
    const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.1 || 1;
    const shade = (u: uPlot) => {
      if (!band) return;
      const { ctx, bbox } = u;
      const top = band.max === null ? bbox.top : u.valToPos(band.max, "y", true);
      const bottom = u.valToPos(band.min, "y", true);
      ctx.save();
      ctx.fillStyle = "rgba(43, 138, 62, 0.16)";
      ctx.fillRect(
        bbox.left,
        Math.max(top, bbox.top),
        bbox.width,
        Math.min(bottom, bbox.top + bbox.height) - top,
      );
      ctx.restore();
    };
    const chart = new uPlot(
      {
        width: Math.max(el.clientWidth, 200),
        height: HEIGHT_PX,
        legend: { show: false },
        cursor: { y: false },
        scales: {
          x: { time: true, range: [fromMs / 1000, toMs / 1000] },
          y: { range: [lo - pad, hi + pad] },
        },
        axes: [
          {
            values: (_u, ticks) =>
              ticks.map((t) =>
                new Date(t * 1000).toLocaleTimeString(lang === "zh" ? "zh-CN" : "en-GB", {
                  hour: "2-digit",
                  minute: "2-digit",
                  hour12: false,
                }),
              ),
          },
          { size: 84, values: (_u, ticks) => ticks.map((v) => format(Number(v.toPrecision(6)))) },
        ],
        series: [
          {},
          {
            label,
            stroke: "#1d4ed8",
            width: 2,
            points: { show: points.length < 60 },
          },
        ],
        hooks: { drawClear: [shade] },
      },
      [points.map(([t]) => t / 1000), values],
      el,
    );
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(el.clientWidth, 200), height: HEIGHT_PX }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [points, band, label, field, lang, fromMs, toMs]);
  const summary = summaryText(lang, points, format);
  return (
    <figure
      class="time-chart"
      data-testid={testId}
      data-points={points.length}
      {...(band ? { "data-green-zone": `${band.min}-${band.max ?? ""}` } : {})}
    >
      <figcaption>
        <strong>{label}</strong>
        {band && <span class="band-note">{` · ${band.label}`}</span>}
      </figcaption>
      <div class="chart-canvas" ref={box} aria-hidden="true" />
      <p class="chart-summary">{summary}</p>
    </figure>
  );
}
