import { Async, useApi } from "../../components/use-api.js";
import { formatTime } from "../../dom.js";
import { SILENCE_TEXT } from "../../i18n/silences.js";
import { useSession } from "../../session.js";

interface GroupedDelivery {
  id: number;
  atMs: number;
  channelId: string;
  action: string;
  ok: boolean;
  groupSize: number | null;
  summary: string | null;
}

/** The latest grouped notices (storm grouping) from the delivery log: when, how many alerts, the summary. */
export function GroupedNotices() {
  const { lang } = useSession();
  const text = SILENCE_TEXT[lang];
  const groups = useApi<{ items: GroupedDelivery[] }>("/api/notify/deliveries?grouped=true&limit=20");
  const channels = useApi<{ items: { id: string; name: string }[] }>("/api/notify/channels");
  const names = new Map((channels.data?.items ?? []).map((c) => [c.id, c.name]));
  return (
    <section class="card grouped-notices" aria-labelledby="grouped-title">
      <h2 id="grouped-title">{text.groups}</h2>
      <p class="muted">{text.groupsIntro}</p>
      <Async state={groups}>
        {({ items }) => (
          <ul class="silence-list" data-testid="grouped-notices">
            {items.length === 0 ? <li class="muted">{text.noGroups}</li> : null}
            {items.map((g) => (
              <li key={g.id}>
                <strong>{g.summary ?? ""}</strong>
                <span>
                  {`${text.actions[g.action] ?? text.groups} · ${text.groupSize(g.groupSize ?? 0)} · ${g.ok ? text.sent : text.failed}`}
                </span>
                <span class="muted">
                  {`${formatTime(g.atMs, lang)} · ${text.channel}: ${names.get(g.channelId) ?? "—"}`}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Async>
    </section>
  );
}
