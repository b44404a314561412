import { useState } from "preact/hooks";
import { UPTIME_TEXT } from "../i18n/uptime.js";
import type { Lang } from "../i18n.js";
import { formatDuration, formatRatio, ratioClass } from "./uptime-format.js";

export interface CellFigures {
  ratio: number | null;
  upMs: number;
  downMs: number;
  unknownMs: number;
  maintenanceMs: number;
}

export interface Cell {
  startMs: number;
  endMs: number;
  figures: CellFigures | undefined;
}

/** A cell's period on the hall's clock (its days and hours are the hall's), not the browser's. */
const fmtPeriod = (c: Cell, lang: Lang, hourly: boolean, timeZone?: string) => {
  const locale = lang === "zh" ? "zh-CN" : "en-GB";
  const zone = timeZone ? { timeZone } : {};
  const day = new Date(c.startMs).toLocaleDateString(locale, { month: "short", day: "numeric", ...zone });
  if (!hourly) return day;
  const hour = (ms: number) =>
    new Date(ms).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", hour12: false, ...zone });
  return `${day} ${hour(c.startMs)}–${hour(c.endMs)}`;
};

/** The figures of one cell in words, e.g. "30 Nov 14:00–15:00: 99.50%, up 59 min, down 0 min". */
export function cellText(c: Cell, lang: Lang, hourly: boolean, timeZone?: string): string {
  const w = UPTIME_TEXT[lang];
  const f = c.figures;
  const period = fmtPeriod(c, lang, hourly, timeZone);
  if (!f || f.ratio === null) return `${period}: ${w.noFigures}`;
  const sep = lang === "zh" ? "，" : ", ";
  const parts = [formatRatio(f.ratio), `${w.upFor} ${formatDuration(f.upMs, lang)}`];
  parts.push(`${w.downFor} ${formatDuration(f.downMs, lang)}`);
  if (f.maintenanceMs > 0) parts.push(`${w.maintenanceFor} ${formatDuration(f.maintenanceMs, lang)}`);
  if (f.unknownMs > 0) parts.push(`${w.unknownFor} ${formatDuration(f.unknownMs, lang)}`);
  return `${period}: ${parts.join(sep)}`;
}

/**
 * An uptime status bar: one coloured cell per period. The bar is one keyboard stop (a slider over its cells:
 * arrows, Home, End); pointer hover or a tap picks the cell under it. The chosen cell's figures are written
 * beneath the bar and read as the slider's value, so the tiny cells never need to be tap targets themselves.
 */
export function StatusBar({
  testId,
  label,
  cells,
  hourly,
  lang,
  timeZone,
}: {
  testId: string;
  label: string;
  cells: Cell[];
  hourly: boolean;
  lang: Lang;
  /** The hall's IANA zone, for the periods' dates and hours. */
  timeZone?: string;
}) {
  const [index, setIndex] = useState(cells.length - 1);
  const at = Math.min(Math.max(index, 0), cells.length - 1);
  const chosen = cells[at];
  const text = chosen ? cellText(chosen, lang, hourly, timeZone) : "";
  const pick = (clientX: number, el: HTMLElement) => {
    const box = el.getBoundingClientRect();
    const i = Math.floor(((clientX - box.left) / box.width) * cells.length);
    setIndex(Math.min(Math.max(i, 0), cells.length - 1));
  };
  const onKey = (e: KeyboardEvent) => {
    const next: Record<string, number> = {
      ArrowLeft: at - 1,
      ArrowDown: at - 1,
      ArrowRight: at + 1,
      ArrowUp: at + 1,
      Home: 0,
      End: cells.length - 1,
    };
    const to = next[e.key];
    if (to === undefined) return;
    e.preventDefault();
    setIndex(Math.min(Math.max(to, 0), cells.length - 1));
  };
  return (
    <div class="ubar-wrap">
      <div
        class="ubar"
        data-testid={testId}
        role="slider"
        tabIndex={0}
        aria-label={label}
        aria-valuemin={1}
        aria-valuemax={cells.length}
        aria-valuenow={at + 1}
        aria-valuetext={text}
        onKeyDown={onKey}
        onPointerMove={(e) => pick(e.clientX, e.currentTarget as HTMLElement)}
        onPointerDown={(e) => pick(e.clientX, e.currentTarget as HTMLElement)}
      >
        {cells.map((c, i) => (
          <span
            key={c.startMs}
            class={`ucell ${ratioClass(c.figures?.ratio ?? null)}${i === at ? " chosen" : ""}`}
            data-ratio={c.figures?.ratio === null || !c.figures ? "" : String(c.figures.ratio)}
          />
        ))}
      </div>
      <p class="ubar-detail muted" aria-hidden="true">
        {text}
      </p>
    </div>
  );
}
