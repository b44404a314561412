import { OVERVIEW_TEXT } from "../i18n/overview.js";
import { useAlertFeed } from "../live/use-feed.js";
import { href } from "../router.js";
import { useSession } from "../session.js";
import type { HallView } from "../types.js";
import { DeviceTiles } from "./device-tiles.js";
import { Readiness } from "./readiness.js";
import { SeverityCounts } from "./severity-counts.js";
import { countBySeverity } from "./worst.js";

/** One hall at a glance: open alerts per severity (live), the readiness verdict, and its devices by zone. */
export function HallOverview({ hall }: { hall: HallView }) {
  const { t, lang } = useSession();
  const feed = useAlertFeed();
  const active = feed.active().filter((a) => a.hallId === hall.id);
  const counts = countBySeverity(active, hall.id);
  return (
    <section
      class="hall-overview"
      data-testid="hall-overview"
      data-hall={hall.id}
      aria-labelledby={`h-${hall.id}`}
    >
      <h2 id={`h-${hall.id}`}>{hall.name}</h2>
      <SeverityCounts counts={counts} />
      <p class="conn-counts">
        <span class="conn online">{`${t.online} ${hall.devices.online}`}</span>
        <span class="conn offline">{`${t.offline} ${hall.devices.offline}`}</span>
        <span class="conn unknown">{`${t.unknown} ${hall.devices.unknown}`}</span>
      </p>
      <Readiness hallId={hall.id} alertKey={active.map((a) => a.id).join(",")} />
      <p>
        <a href={href("hall", hall.id)} data-testid="hall-calendar-link">
          {OVERVIEW_TEXT[lang].hallCalendar}
        </a>
      </p>
      <h3 class="sr-only">{OVERVIEW_TEXT[lang].hallOverview}</h3>
      <DeviceTiles hallId={hall.id} />
    </section>
  );
}
