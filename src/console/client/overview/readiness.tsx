import { Async, useApi, useReloadOn } from "../components/use-api.js";
import { OVERVIEW_TEXT } from "../i18n/overview.js";
import type { Lang } from "../i18n.js";
import { useSession } from "../session.js";

export interface ReadinessSummary {
  ready: boolean;
  verdict: { en: string; zh: string };
  openingMs: number;
  generatedMs?: number;
  timeZone: string;
}

/** "Tue 1 Dec, 09:00 (Asia/Shanghai)" in the reader's language, on the hall's clocks. */
export function formatOpening(openingMs: number, timeZone: string, lang: Lang): string {
  const shown = new Intl.DateTimeFormat(lang === "zh" ? "zh-CN" : "en-GB", {
    timeZone,
    weekday: "short",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(openingMs);
  return `${shown} (${timeZone})`;
}

/** The verdict line and the next opening; a hall without opening hours says it is watched around the clock. */
export function ReadinessLine({ report, hasHours }: { report: ReadinessSummary; hasHours: boolean }) {
  const { lang } = useSession();
  const o = OVERVIEW_TEXT[lang];
  return (
    <p class={`readiness ${report.ready ? "is-ready" : "not-ready"}`} data-testid="readiness">
      <strong>{report.verdict[lang]}</strong>
      {" · "}
      {hasHours
        ? `${o.nextOpening} ${formatOpening(report.openingMs, report.timeZone, lang)}`
        : `${o.noOpeningHours} (${o.timeZone} ${report.timeZone})`}
    </p>
  );
}

/**
 * The readiness of one hall as it would be now, for its next opening (`?preview=true`); fetched again whenever
 * the number of open alerts changes.
 */
export function Readiness({ hallId, alertKey }: { hallId: string; alertKey: string }) {
  const state = useApi<{ report: (ReadinessSummary & { generatedMs: number }) | null }>(
    `/api/halls/${encodeURIComponent(hallId)}/readiness?preview=true`,
  );
  useReloadOn(alertKey, state.reload);
  return (
    <Async state={state}>
      {({ report }) =>
        report ? <ReadinessLine report={report} hasHours={report.openingMs !== report.generatedMs} /> : null
      }
    </Async>
  );
}
