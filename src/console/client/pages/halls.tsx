import { Async, useApi, useReloadOn } from "../components/use-api.js";
import { OVERVIEW_TEXT } from "../i18n/overview.js";
import { useAlertFeed } from "../live/use-feed.js";
import { ReadinessLine, type ReadinessSummary } from "../overview/readiness.js";
import { SeverityCounts } from "../overview/severity-counts.js";
import type { Severity } from "../overview/worst.js";
import { href } from "../router.js";
import { useSession } from "../session.js";

interface HallHealth {
  id: string;
  name: string;
  devices: { online: number; offline: number; unknown: number; total: number };
  alerts: Record<Severity, number>;
  openAlerts: number;
  worstSeverity: Severity | null;
  readiness: (ReadinessSummary & { generatedMs: number; notReady: number }) | null;
}

/** The province / HQ view: every hall of the user, worst first (the server sorts), each with its health. */
export function Halls() {
  const { t, lang } = useSession();
  const o = OVERVIEW_TEXT[lang];
  const overview = useApi<{ items: HallHealth[] }>("/api/overview");
  const feed = useAlertFeed();
  const alertKey = feed
    .active()
    .map((a) => `${a.id}:${a.severity}`)
    .join(",");
  useReloadOn(alertKey, overview.reload);
  return (
    <section class="hq" data-testid="hq" aria-labelledby="hq-title">
      <h1 id="hq-title">{o.hqTitle}</h1>
      <Async state={overview}>
        {({ items }) =>
          items.length === 0 ? (
            <p class="ov-hint">{o.noHalls}</p>
          ) : (
            <ol class="hq-list">
              {items.map((hall) => (
                <li key={hall.id} class={`hq-hall worst-${hall.worstSeverity ?? "none"}`} data-hall={hall.id}>
                  <a href={href("board", hall.id)} class="hq-name">
                    <h2>{hall.name}</h2>
                    <span class="sr-only">{o.openHall}</span>
                  </a>
                  <SeverityCounts counts={hall.alerts} />
                  <p class="conn-counts">
                    <span class="conn online">{`${t.online} ${hall.devices.online}`}</span>
                    <span class="conn offline">{`${t.offline} ${hall.devices.offline}`}</span>
                    <span class="conn unknown">{`${t.unknown} ${hall.devices.unknown}`}</span>
                  </p>
                  {hall.readiness ? (
                    <ReadinessLine
                      report={hall.readiness}
                      hasHours={hall.readiness.openingMs !== hall.readiness.generatedMs}
                    />
                  ) : null}
                </li>
              ))}
            </ol>
          )
        }
      </Async>
    </section>
  );
}
