import { useEffect } from "preact/hooks";
import { AlertCard } from "../alerts/alert-card.js";
import { Async, useApi } from "../components/use-api.js";
import { OVERVIEW_TEXT } from "../i18n/overview.js";
import { SoundToggle } from "../live/announcer.js";
import { useAlertFeed } from "../live/use-feed.js";
import { HallOverview } from "../overview/hall-overview.js";
import { SEVERITIES } from "../overview/worst.js";
import { href } from "../router.js";
import { useSession } from "../session.js";
import type { AlertView, HallView } from "../types.js";

const bySeverity = (
  a: { severity: (typeof SEVERITIES)[number] },
  b: { severity: (typeof SEVERITIES)[number] },
) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity);

/**
 * The hall overview (`#/board/<hallId>`; without one, the hall with the worst open alert, else the first) and that
 * hall's open alerts under it, with those of other halls the person was told about. The alerts show even while the
 * halls cannot be loaded.
 */
export function Board({ hallId }: { hallId: string | undefined }) {
  const { t, lang, user } = useSession();
  const halls = useApi<{ items: HallView[] }>("/api/halls");
  const { reload } = halls;
  // Devices by connectivity are not streamed: refresh them as the tiles do.
  useEffect(() => {
    const timer = setInterval(reload, 30_000);
    return () => clearInterval(timer);
  }, [reload]);
  const feed = useAlertFeed();
  const active = feed.active();
  const list = halls.data?.items ?? [];
  const worst = [...active].sort(bySeverity)[0];
  const hall = list.find((h) => h.id === hallId) ?? list.find((h) => h.id === worst?.hallId) ?? list[0];
  const own = new Set(list.map((h) => h.id));
  // An alert of a hall outside one's own that one was told about (an escalation step; issue 14) stays on the board
  // whichever hall is chosen.
  const toldOf = (a: AlertView) => !own.has(a.hallId) && (a.notifiedUsers ?? []).includes(user.username);
  const items = active
    .filter((a) => !hall || a.hallId === hall.id || toldOf(a))
    .sort((a, b) => bySeverity(a, b) || b.lastSeenMs - a.lastSeenMs);
  return (
    <>
      <div class="board-tools">
        {list.length > 1 ? (
          <label>
            {OVERVIEW_TEXT[lang].chooseHall}
            <select
              value={hall?.id}
              onChange={(event) => {
                location.hash = href("board", (event.target as HTMLSelectElement).value);
              }}
            >
              {list.map((h) => (
                <option key={h.id} value={h.id}>
                  {h.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <SoundToggle />
      </div>
      <Async state={halls}>
        {() =>
          hall ? (
            <HallOverview key={hall.id} hall={hall} />
          ) : (
            <p class="ov-hint">{OVERVIEW_TEXT[lang].noHalls}</p>
          )
        }
      </Async>
      <section class="board" data-testid="board" aria-label={t.board}>
        {items.length === 0 ? (
          <p class="ov-hint">{t.noAlerts}</p>
        ) : (
          items.map((a) => <AlertCard key={a.id} alert={a} />)
        )}
      </section>
    </>
  );
}
