import { useApi } from "../../components/use-api.js";
import { formatTime } from "../../dom.js";
import { SILENCE_TEXT } from "../../i18n/silences.js";
import { useSession } from "../../session.js";
import { SILENCE_MANAGERS, type SilenceView } from "./silences.js";

interface Held {
  silenceId: string;
  action: string;
  atMs: number;
}

/**
 * In an alert's drawer: which notices of it a silence held (so people see why they were not told), and for
 * admins and duty managers a link to silence alerts like it.
 */
export function AlertSilence({
  alert,
}: {
  alert: { id: string; hallId: string; faultType: string; deviceId: string | null };
}) {
  const { lang, hasRole } = useSession();
  const text = SILENCE_TEXT[lang];
  const held = useApi<{ items: Held[] }>(`/api/silences/held?alertId=${encodeURIComponent(alert.id)}`);
  const silences = useApi<{ items: SilenceView[] }>("/api/silences");
  const reasons = new Map((silences.data?.items ?? []).map((s) => [s.id, s.reason]));
  const items = held.data?.items ?? [];
  const query = new URLSearchParams({ hallId: alert.hallId, faultType: alert.faultType });
  if (alert.deviceId) query.set("deviceId", alert.deviceId);
  return (
    <section class="alert-silence" data-testid="alert-silence">
      {items.length > 0 ? (
        <>
          <h3>{text.heldTitle}</h3>
          <ul>
            {items.map((h) => (
              <li key={`${h.silenceId}-${h.action}-${h.atMs}`}>
                {`${formatTime(h.atMs, lang)} · ${text.actions[h.action] ?? text.heldTitle} · ${
                  reasons.get(h.silenceId) ?? text.title
                }`}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {hasRole(...SILENCE_MANAGERS) ? (
        <a class="button" href={`#/silences?${query.toString()}`}>
          {text.similar}
        </a>
      ) : null}
    </section>
  );
}
