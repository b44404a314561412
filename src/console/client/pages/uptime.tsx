import { useState } from "preact/hooks";
import { type Cell, type CellFigures, StatusBar } from "../charts/status-bar.js";
import { DeviceFigures, type Figures, GroupFigures, type UptimeRow } from "../charts/uptime-tables.js";
import { Async, useApi } from "../components/use-api.js";
import { codeLabel } from "../i18n/codes.js";
import { UPTIME_TEXT } from "../i18n/uptime.js";
import { deviceName } from "../overview/device-name.js";
import { href } from "../router.js";
import { useSession } from "../session.js";
import type { HallView } from "../types.js";

const HOUR_MS = 3_600_000;
const RANGES = [
  { id: "24h", ms: 24 * HOUR_MS, bucket: "hour", word: "r24h" },
  { id: "7d", ms: 7 * 24 * HOUR_MS, bucket: "day", word: "r7d" },
  { id: "30d", ms: 30 * 24 * HOUR_MS, bucket: "day", word: "r30d" },
  { id: "90d", ms: 90 * 24 * HOUR_MS, bucket: "day", word: "r90d" },
] as const;
type Range = (typeof RANGES)[number];

interface Uptime {
  fromMs: number;
  toMs: number;
  items: (UptimeRow & CellFigures)[];
  byKind: Record<string, Figures>;
  byHall: Record<string, Figures>;
  buckets: {
    startMs: number;
    endMs: number;
    byKind: Record<string, CellFigures>;
    byDevice: Record<string, CellFigures>;
  }[];
}

/** Maintenance staff's uptime view: status bars per kind and device, and the figures of GET /api/uptime. */
export function UptimePage() {
  const { lang } = useSession();
  const halls = useApi<{ items: HallView[] }>("/api/halls");
  const [hallId, setHallId] = useState<string | null>(null);
  return (
    <Async state={halls}>
      {({ items }) => {
        const hall = items.find((h) => h.id === hallId) ?? items[0];
        if (!hall) return <p class="muted">{UPTIME_TEXT[lang].noFigures}</p>;
        return <HallUptime hall={hall} halls={items} onHall={setHallId} />;
      }}
    </Async>
  );
}

function HallUptime({
  hall,
  halls,
  onHall,
}: {
  hall: HallView;
  halls: HallView[];
  onHall: (id: string) => void;
}) {
  const { lang } = useSession();
  const w = UPTIME_TEXT[lang];
  const [view, setView] = useState<{ range: Range; toMs: number }>(() => ({
    range: RANGES[0],
    toMs: Date.now(),
  }));
  const fromMs = view.toMs - view.range.ms;
  const path = `/api/uptime?hallId=${encodeURIComponent(hall.id)}&fromMs=${fromMs}&toMs=${view.toMs}&bucket=${view.range.bucket}&perDevice=true`;
  const uptime = useApi<Uptime>(path);
  const loaded = !uptime.loading && uptime.data !== null;
  const hourly = view.range.bucket === "hour";
  const cells = (pick: (b: Uptime["buckets"][number]) => CellFigures | undefined, data: Uptime): Cell[] =>
    data.buckets.map((b) => ({ startMs: b.startMs, endMs: b.endMs, figures: pick(b) }));
  return (
    <section
      class="uptime"
      data-testid="uptime"
      data-range={view.range.id}
      data-from-ms={fromMs}
      data-to-ms={view.toMs}
      data-bucket={view.range.bucket}
      data-loaded={String(loaded)}
    >
      <h1>{w.title}</h1>
      {halls.length > 1 && (
        <label>
          {w.hall}{" "}
          <select value={hall.id} onChange={(e) => onHall((e.currentTarget as HTMLSelectElement).value)}>
            {halls.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <fieldset class="ranges">
        <legend>{w.range}</legend>
        {RANGES.map((r) => (
          <button
            key={r.id}
            type="button"
            data-range={r.id}
            aria-pressed={r.id === view.range.id ? "true" : "false"}
            onClick={() => setView({ range: r, toMs: Date.now() })}
          >
            {w[r.word]}
          </button>
        ))}
      </fieldset>
      <p>
        <a href={href("hall", hall.id)}>{w.windowsLink}</a>
      </p>
      <ul class="explain">
        <li>{w.explainAvailability}</li>
        <li>{w.explainMtbf}</li>
        <li>{w.explainMttr}</li>
      </ul>
      <Async state={uptime}>
        {(data) => (
          <>
            <p class="muted">{`${hourly ? w.hourCell : w.dayCell}. ${w.barHint}`}</p>
            <Legend />
            <h2>{w.byKind}</h2>
            {Object.keys(data.byKind).map((kind) => (
              <div class="bar-row" key={kind}>
                <h3>{codeLabel(lang, "kind", kind)}</h3>
                <StatusBar
                  key={`${kind}-${path}`}
                  testId={`bar-kind-${kind}`}
                  label={`${codeLabel(lang, "kind", kind)} · ${w[view.range.word]}`}
                  cells={cells((b) => b.byKind[kind], data)}
                  hourly={hourly}
                  timeZone={hall.timeZone}
                  lang={lang}
                />
              </div>
            ))}
            <GroupFigures group="kind" figures={data.byKind} label={w.byKind} lang={lang} />
            <h2>{w.byHall}</h2>
            <GroupFigures
              group="hall"
              figures={data.byHall}
              label={w.byHall}
              lang={lang}
              names={Object.fromEntries(halls.map((h) => [h.id, h.name]))}
            />
            <h2>{w.devices}</h2>
            {[...data.items]
              .sort((a, b) => a.kind.localeCompare(b.kind) || a.deviceId.localeCompare(b.deviceId))
              .map((d) => (
                <div class="bar-row" key={d.deviceId}>
                  <h3>
                    <a href={href("device", d.hallId, d.deviceId)}>{deviceName(d, lang)}</a>
                  </h3>
                  <StatusBar
                    key={`${d.deviceId}-${path}`}
                    testId={`bar-device-${d.deviceId}`}
                    label={`${deviceName(d, lang)} · ${w[view.range.word]}`}
                    cells={cells((b) => b.byDevice[d.deviceId], data)}
                    hourly={hourly}
                    timeZone={hall.timeZone}
                    lang={lang}
                  />
                </div>
              ))}
            <h2>{w.figures}</h2>
            <DeviceFigures rows={data.items} lang={lang} />
          </>
        )}
      </Async>
    </section>
  );
}

function Legend() {
  const { lang } = useSession();
  const w = UPTIME_TEXT[lang];
  const items = [
    ["u-ok", w.legendOk],
    ["u-warn", w.legendWarn],
    ["u-bad", w.legendBad],
    ["u-down", w.legendDown],
    ["u-none", w.legendNone],
  ] as const;
  return (
    <ul class="legend">
      {items.map(([cls, text]) => (
        <li key={cls}>
          <span class={`swatch ${cls}`} aria-hidden="true" />
          {text}
        </li>
      ))}
    </ul>
  );
}
