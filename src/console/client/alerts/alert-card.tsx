import { useState } from "preact/hooks";
import { formatTime } from "../dom.js";
import { codeLabel, fieldValue } from "../i18n/codes.js";
import { useSession } from "../session.js";
import type { AlertView } from "../types.js";
import { AlertDrawer } from "./alert-drawer.js";
import { ALERT_TEXT } from "./alert-text.js";
import type { FullAlert } from "./alert-types.js";
import { useNames } from "./directory.js";
import { FAULT_FIELDS } from "./fault-fields.js";

/**
 * An alert on the board: what and where by name, the value with its label and unit, who acknowledged and who
 * has it, the latest comment. Its title is a button that opens the alert's drawer (or calls `onOpen`).
 */
export function AlertCard({ alert: view, onOpen }: { alert: AlertView; onOpen?: (id: string) => void }) {
  const { t, lang } = useSession();
  const [open, setOpen] = useState(false);
  const a = ALERT_TEXT[lang];
  const alert = view as FullAlert;
  const names = useNames(alert.hallId);
  const subject = alert.deviceId
    ? names.deviceName(alert.deviceId)
    : alert.agentId
      ? `${a.agent} ${alert.agentId}`
      : null;
  const field = FAULT_FIELDS[alert.faultType]?.field ?? null;
  return (
    <article
      class={`alert sev-${alert.severity} st-${alert.status}`}
      data-alert-id={alert.id}
      data-fault={alert.faultType}
    >
      <div class="sev">{t.severity[alert.severity]}</div>
      <div class="body">
        <h3>
          <button type="button" class="card-open" onClick={() => (onOpen ? onOpen(alert.id) : setOpen(true))}>
            {alert.summary[lang]}
          </button>
        </h3>
        <p data-testid="where">
          {[names.hallName, subject].filter(Boolean).join(" · ")}
          {alert.kind ? ` (${codeLabel(lang, "kind", alert.kind)})` : ""}
        </p>
        <p>
          {codeLabel(lang, "fault", alert.faultType)}
          {alert.lastObserved !== null && field
            ? ` · ${codeLabel(lang, "field", field)} ${fieldValue(lang, field, alert.lastObserved)}`
            : ""}
        </p>
        {alert.affected.length > 1 ? (
          <p class="muted">{`${t.affected}: ${alert.affected.map((id) => names.deviceName(id)).join("、")}`}</p>
        ) : null}
        <p class="muted">
          {`${t.since} ${formatTime(alert.openedMs, lang, names.timeZone)} · ${t.count} ${alert.count} · `}
          <span class="status" data-testid="status">
            {t[alert.status]}
          </span>
          {alert.flapping ? <span class="badge">{t.flapping}</span> : null}
        </p>
        {alert.acknowledged ? (
          <p data-testid="acknowledged-by">{a.acknowledgedBy(names.person(alert.acknowledged.by))}</p>
        ) : null}
        {alert.assignee ? (
          <p data-testid="card-assignee">{a.assignedTo(names.person(alert.assignee.username))}</p>
        ) : null}
        {alert.lastComment ? (
          <p class="comment" data-testid="last-comment">
            {`${a.latestComment}: “${alert.lastComment.text}” — ${names.person(alert.lastComment.by)}`}
          </p>
        ) : null}
      </div>
      {open ? <AlertDrawer alertId={alert.id} onClose={() => setOpen(false)} /> : null}
    </article>
  );
}
