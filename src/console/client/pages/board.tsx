import { AlertCard } from "../alerts/alert-card.js";
import { Async, useApi } from "../components/use-api.js";
import { useAlertFeed } from "../live/use-feed.js";
import { useSession } from "../session.js";
import type { HallView } from "../types.js";

const SEVERITY_ORDER = { critical: 0, major: 1, minor: 2, warning: 3, operational: 4 } as const;

export function Board() {
  const { t } = useSession();
  const halls = useApi<{ items: HallView[] }>("/api/halls");
  const feed = useAlertFeed();
  const items = feed
    .active()
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.lastSeenMs - a.lastSeenMs);
  return (
    <>
      <Async state={halls}>
        {(data) => (
          <section class="halls">
            {data.items.map((hall) => (
              <div class="hall" key={hall.id}>
                <h2>{hall.name}</h2>
                <span class="ok">{`${t.online} ${hall.devices.online}`}</span>
                <span class="bad">{`${t.offline} ${hall.devices.offline}`}</span>
                <span class="muted">{`${t.unknown} ${hall.devices.unknown}`}</span>
              </div>
            ))}
          </section>
        )}
      </Async>
      <section class="board" data-testid="board">
        {items.length === 0 ? (
          <p class="muted">{t.noAlerts}</p>
        ) : (
          items.map((a) => <AlertCard key={a.id} alert={a} />)
        )}
      </section>
    </>
  );
}
