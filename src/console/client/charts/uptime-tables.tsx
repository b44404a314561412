import { useState } from "preact/hooks";
import { codeLabel } from "../i18n/codes.js";
import { UPTIME_TEXT } from "../i18n/uptime.js";
import type { Lang } from "../i18n.js";
import { deviceName } from "../overview/device-name.js";
import { href } from "../router.js";
import { formatDuration, formatRatio } from "./uptime-format.js";

export interface Figures {
  ratio: number | null;
  downMs: number;
  failures: number;
  mtbfMs: number | null;
  mttrMs: number | null;
}

export interface UptimeRow extends Figures {
  hallId: string;
  deviceId: string;
  kind: string;
  name: string | null;
}

const figureCells = (f: Figures, lang: Lang) => [
  <td key="a" data-fig="availability" data-value={String(f.ratio)}>
    {formatRatio(f.ratio)}
  </td>,
  <td key="f" data-fig="failures">
    {String(f.failures)}
  </td>,
  <td key="b" data-fig="mtbf">
    {formatDuration(f.mtbfMs, lang)}
  </td>,
  <td key="r" data-fig="mttr">
    {formatDuration(f.mttrMs, lang)}
  </td>,
];

/** Availability, faults, MTBF and MTTR per kind or per hall, from GET /api/uptime's byKind / byHall. */
export function GroupFigures({
  group,
  figures,
  label,
  lang,
  names,
}: {
  group: "kind" | "hall";
  figures: Record<string, Figures>;
  label: string;
  lang: Lang;
  names?: Record<string, string>;
}) {
  const w = UPTIME_TEXT[lang];
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section class="table-scroll" aria-label={label} tabIndex={0}>
      <table data-testid={`by-${group}`}>
        <thead>
          <tr>
            <th scope="col">{group === "kind" ? w.kind : w.hall}</th>
            <th scope="col">{w.availability}</th>
            <th scope="col">{w.failures}</th>
            <th scope="col">{w.mtbf}</th>
            <th scope="col">{w.mttr}</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(figures).map(([key, f]) => (
            <tr key={key} {...{ [`data-${group}`]: key }}>
              <th scope="row">{group === "kind" ? codeLabel(lang, "kind", key) : (names?.[key] ?? key)}</th>
              {figureCells(f, lang)}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

type SortKey = "name" | "kind" | "availability" | "down" | "failures" | "mtbf" | "mttr";
const NULL_LAST = Number.POSITIVE_INFINITY;
const sortValue: Record<SortKey, (r: UptimeRow, lang: Lang) => number | string> = {
  name: (r, lang) => deviceName(r, lang),
  kind: (r, lang) => codeLabel(lang, "kind", r.kind),
  availability: (r) => r.ratio ?? NULL_LAST,
  down: (r) => r.downMs,
  failures: (r) => r.failures,
  mtbf: (r) => r.mtbfMs ?? NULL_LAST,
  mttr: (r) => r.mttrMs ?? NULL_LAST,
};

/** Every device's figures in a table sortable by any column (aria-sort says which and how). */
export function DeviceFigures({ rows, lang }: { rows: UptimeRow[]; lang: Lang }) {
  const w = UPTIME_TEXT[lang];
  const [sort, setSort] = useState<{ key: SortKey; dir: 1 | -1 }>({ key: "name", dir: 1 });
  const sorted = [...rows].sort((a, b) => {
    const x = sortValue[sort.key](a, lang);
    const y = sortValue[sort.key](b, lang);
    const c = typeof x === "string" ? x.localeCompare(String(y)) : x - (y as number);
    return c * sort.dir || a.deviceId.localeCompare(b.deviceId);
  });
  const column = (key: SortKey, label: string) => (
    <th
      scope="col"
      data-sort={key}
      aria-sort={sort.key === key ? (sort.dir === 1 ? "ascending" : "descending") : "none"}
    >
      <button
        type="button"
        class="sort"
        aria-label={`${w.sortBy}${label}`}
        onClick={() => setSort((s) => ({ key, dir: s.key === key ? (s.dir === 1 ? -1 : 1) : 1 }))}
      >
        {label}
      </button>
    </th>
  );
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section class="table-scroll" aria-label={w.tableLabel} tabIndex={0}>
      <table data-testid="uptime-table">
        <thead>
          <tr>
            {column("name", w.device)}
            {column("kind", w.kind)}
            {column("availability", w.availability)}
            {column("down", w.down)}
            {column("failures", w.failures)}
            {column("mtbf", w.mtbf)}
            {column("mttr", w.mttr)}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={r.deviceId} data-device={r.deviceId}>
              <th scope="row">
                <a href={href("device", r.hallId, r.deviceId)}>{deviceName(r, lang)}</a>
              </th>
              <td>{codeLabel(lang, "kind", r.kind)}</td>
              <td data-fig="availability" data-value={String(r.ratio)}>
                {formatRatio(r.ratio)}
              </td>
              <td data-fig="down">{formatDuration(r.downMs, lang)}</td>
              <td data-fig="failures">{String(r.failures)}</td>
              <td data-fig="mtbf">{formatDuration(r.mtbfMs, lang)}</td>
              <td data-fig="mttr">{formatDuration(r.mttrMs, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
