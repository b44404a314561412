import { useState } from "preact/hooks";
import { Async, useApi } from "../components/use-api.js";
import { OVERVIEW_TEXT } from "../i18n/overview.js";
import { useSession } from "../session.js";
import type { HallView } from "../types.js";

const PERIODS = ["day", "week", "month"] as const;
type Period = (typeof PERIODS)[number];

/** `GET /api/halls/:hallId/reports/:period` (docs/uptime.md); without a date the server takes the last complete period. */
export function reportUrl(hallId: string, period: Period, date: string, format: "html" | "csv"): string {
  const query = new URLSearchParams();
  if (date) query.set("date", date);
  query.set("format", format);
  return `/api/halls/${encodeURIComponent(hallId)}/reports/${period}?${query}`;
}

/** Choose a hall, a period and a date; open the printable report or download the CSV; MTBF and MTTR explained. */
export function Reports() {
  const { t, lang } = useSession();
  const o = OVERVIEW_TEXT[lang];
  const halls = useApi<{ items: HallView[] }>("/api/halls");
  const [hallId, setHallId] = useState("");
  const [period, setPeriod] = useState<Period>("day");
  const [date, setDate] = useState("");
  return (
    <section class="reports" data-testid="reports" aria-labelledby="reports-title">
      <h1 id="reports-title">{o.reportsTitle}</h1>
      <Async state={halls}>
        {({ items }) => {
          const hall = items.find((h) => h.id === hallId) ?? items[0];
          if (!hall) return <p class="ov-hint">{o.noHalls}</p>;
          return (
            <>
              <div class="report-form">
                <label>
                  {o.chooseHall}
                  <select value={hall.id} onChange={(e) => setHallId((e.target as HTMLSelectElement).value)}>
                    {items.map((h) => (
                      <option key={h.id} value={h.id}>
                        {h.name}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  {o.period}
                  <select
                    value={period}
                    onChange={(e) => setPeriod((e.target as HTMLSelectElement).value as Period)}
                  >
                    {PERIODS.map((p) => (
                      <option key={p} value={p}>
                        {o.periods[p]}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  {o.date}
                  <input
                    type="date"
                    value={date}
                    onInput={(e) => setDate((e.target as HTMLInputElement).value)}
                    aria-describedby="report-date-hint"
                  />
                </label>
              </div>
              <p id="report-date-hint" class="ov-hint">
                {o.dateHint}
              </p>
              <p class="report-links">
                <a
                  class="button"
                  data-testid="report-html"
                  href={reportUrl(hall.id, period, date, "html")}
                  target="_blank"
                  rel="noopener"
                >
                  {o.printable}
                </a>
                <a
                  class="button"
                  data-testid="report-csv"
                  href={reportUrl(hall.id, period, date, "csv")}
                  download
                >
                  {o.csv}
                </a>
              </p>
              <p class="ov-hint">{o.printHint}</p>
            </>
          );
        }}
      </Async>
      <dl class="figures" aria-label={t.uptime}>
        <dt>{o.mtbfTitle}</dt>
        <dd>{o.mtbf}</dd>
        <dt>{o.mttrTitle}</dt>
        <dd>{o.mttr}</dd>
      </dl>
    </section>
  );
}
