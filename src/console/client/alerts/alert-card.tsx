import { api } from "../api.js";
import { errorMessage } from "../components/errors.js";
import { formatTime } from "../dom.js";
import { useAlertFeed } from "../live/use-feed.js";
import { useSession } from "../session.js";
import type { AlertView } from "../types.js";

export function AlertCard({ alert }: { alert: AlertView }) {
  const { t, lang } = useSession();
  const feed = useAlertFeed();
  const act = async (path: string, body: unknown) => {
    try {
      const updated = await api<AlertView>("POST", `/api/alerts/${alert.id}/${path}`, body);
      feed.alerts.set(updated.id, { ...alert, ...updated });
      feed.reload();
    } catch (err) {
      window.alert(errorMessage(err, lang));
    }
  };
  return (
    <article
      class={`alert sev-${alert.severity} st-${alert.status}`}
      data-alert-id={alert.id}
      data-fault={alert.faultType}
    >
      <div class="sev">{t.severity[alert.severity]}</div>
      <div class="body">
        <h3>{alert.summary[lang]}</h3>
        <p>
          {`${t.hall} ${alert.hallId} · ${t.device} ${alert.deviceId ?? alert.agentId ?? "—"}`}
          {alert.lastObserved !== null ? ` · ${String(alert.lastObserved)}` : ""}
        </p>
        {alert.affected.length > 1 ? (
          <p class="muted">{`${t.affected}: ${alert.affected.join(", ")}`}</p>
        ) : null}
        <p class="muted">
          {`${t.since} ${formatTime(alert.openedMs, lang)} · ${t.count} ${alert.count} · `}
          <span class="status" data-testid="status">
            {t[alert.status]}
          </span>
          {alert.flapping ? <span class="badge">{t.flapping}</span> : null}
        </p>
      </div>
      <div class="actions">
        {alert.status === "open" ? (
          <button type="button" onClick={() => act("acknowledge", {})}>
            {t.acknowledge}
          </button>
        ) : null}
        <button
          type="button"
          onClick={() => {
            const reason = window.prompt(t.reason);
            if (reason) void act("resolve", { reason });
          }}
        >
          {t.resolve}
        </button>
        <button
          type="button"
          class="link"
          onClick={() => {
            const comment = window.prompt(t.commentPrompt);
            if (comment) void act("comments", { text: comment });
          }}
        >
          {t.comment}
        </button>
      </div>
    </article>
  );
}
