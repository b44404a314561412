import { Drawer } from "../components/drawer.js";
import { Async, useApi } from "../components/use-api.js";
import { codeLabel, fieldValue } from "../i18n/codes.js";
import type { Lang } from "../i18n.js";
import { useAlertFeed } from "../live/use-feed.js";
import { AlertSilence } from "../pages/silences/alert-silence.js";
import { href } from "../router.js";
import { useSession } from "../session.js";
import { AcknowledgeForm, AssignForm, CommentForm, ResolveForm } from "./alert-forms.js";
import { ALERT_TEXT } from "./alert-text.js";
import { AlertTimeline } from "./alert-timeline.js";
import { AlertTrend } from "./alert-trend.js";
import type { AlertDetail, FullAlert } from "./alert-types.js";
import { useNames } from "./directory.js";
import { FAULT_FIELDS, observedField } from "./fault-fields.js";

/** A reading as people read it: a list of ports as counts per state ("充电中 3、空闲 4"), a map as its entries. */
function readingValue(lang: Lang, field: string, value: unknown): string {
  if (Array.isArray(value)) {
    const counts = new Map<string, number>();
    for (const item of value) {
      const state = (item as { state?: unknown } | null)?.state;
      const key = typeof state === "string" ? codeLabel(lang, "value", state) : "?";
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].map(([k, n]) => `${k} ${n}`).join("、");
  }
  if (value !== null && typeof value === "object")
    return Object.entries(value)
      .map(([k, v]) => `${k} ${fieldValue(lang, field, v)}`)
      .join("、");
  return fieldValue(lang, field, value);
}

/** One alert's whole story in a drawer: what, where, the readings, the value's trend, the timeline, the forms. */
export function AlertDrawer({ alertId, onClose }: { alertId: string; onClose: () => void }) {
  const { lang } = useSession();
  const detail = useApi<AlertDetail>(`/api/alerts/${encodeURIComponent(alertId)}`);
  return (
    <Drawer title={ALERT_TEXT[lang].detailTitle} onClose={onClose}>
      <Async state={detail}>{(alert) => <AlertStory alert={alert} reload={detail.reload} />}</Async>
    </Drawer>
  );
}

function AlertStory({ alert, reload }: { alert: AlertDetail; reload: () => void }) {
  const { t, lang, hasRole } = useSession();
  const a = ALERT_TEXT[lang];
  const feed = useAlertFeed();
  const names = useNames(alert.hallId);
  const raisedBy = alert.history.findLast((h) => h.action === "opened" || h.action === "reopened");
  const values = (raisedBy?.detail?.values ?? null) as Record<string, unknown> | null;
  const field = observedField(alert.faultType, alert.lastObserved, values);
  const chartField = FAULT_FIELDS[alert.faultType]?.chart ? field : null;
  const done = (updated: FullAlert) => {
    feed.alerts.set(updated.id, { ...feed.alerts.get(updated.id), ...updated });
    feed.reload();
    reload();
  };
  const active = alert.status !== "resolved";
  const subject = alert.deviceId ? names.deviceName(alert.deviceId) : (alert.agentId ?? names.hallName);
  const canAssign = hasRole("duty_manager", "admin");
  return (
    <article class="alert-story" data-alert-id={alert.id}>
      <p class={`sev sev-${alert.severity}`}>{`${t.severity[alert.severity]} · ${t[alert.status]}`}</p>
      <h3>{codeLabel(lang, "fault", alert.faultType)}</h3>
      <p>{alert.summary[lang]}</p>
      <dl class="facts">
        <dt>{a.hall}</dt>
        <dd>{names.hallName}</dd>
        <dt>{alert.deviceId ? a.device : a.agent}</dt>
        <dd>
          {alert.deviceId ? <a href={href("device", alert.hallId, alert.deviceId)}>{subject}</a> : subject}
        </dd>
        {alert.lastObserved !== null && field ? (
          <>
            <dt>{codeLabel(lang, "field", field)}</dt>
            <dd>{fieldValue(lang, field, alert.lastObserved)}</dd>
          </>
        ) : null}
        {alert.assignee ? (
          <>
            <dt>{a.assignee}</dt>
            <dd data-testid="assignee">{names.person(alert.assignee.username)}</dd>
          </>
        ) : null}
      </dl>
      {alert.deviceId && chartField ? (
        <AlertTrend
          hallId={alert.hallId}
          deviceId={alert.deviceId}
          field={chartField}
          raisedMs={raisedBy?.atMs ?? alert.openedMs}
          history={alert.history}
        />
      ) : null}
      <section>
        <h3>{a.readings}</h3>
        {values ? (
          <dl class="readings" data-testid="readings">
            {Object.entries(values).map(([name, value]) => (
              <div key={name}>
                <dt>{codeLabel(lang, "field", name)}</dt>
                <dd>{readingValue(lang, name, value)}</dd>
              </div>
            ))}
          </dl>
        ) : (
          <p class="muted">{a.noReadings}</p>
        )}
      </section>
      {alert.affected.length > 1 || (alert.affected.length === 1 && alert.affected[0] !== alert.deviceId) ? (
        <section>
          <h3>{a.affectedDevices}</h3>
          <ul class="affected" data-testid="affected">
            {alert.affected.map((id) => (
              <li key={id}>
                <a href={href("device", alert.hallId, id)}>{names.deviceName(id)}</a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section>
        <h3>{a.timeline}</h3>
        <AlertTimeline
          history={alert.history}
          field={field}
          person={names.person}
          deviceName={names.deviceName}
          timeZone={names.timeZone}
        />
      </section>
      <AlertSilence alert={alert} />
      <div class="alert-forms">
        {alert.status === "open" ? <AcknowledgeForm alert={alert} onDone={done} /> : null}
        {active && canAssign ? (
          <AssignForm key={alert.assignee?.username} alert={alert} onDone={done} />
        ) : null}
        <CommentForm alert={alert} onDone={done} />
        {active ? <ResolveForm alert={alert} onDone={done} /> : null}
      </div>
    </article>
  );
}
