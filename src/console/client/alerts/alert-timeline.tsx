import { formatTime } from "../dom.js";
import { codeLabel, fieldValue } from "../i18n/codes.js";
import { useSession } from "../session.js";
import { ALERT_TEXT, type AlertText } from "./alert-text.js";
import type { HistoryEntry } from "./alert-types.js";

const TITLES: Record<string, keyof AlertText> = {
  opened: "raised",
  reopened: "reopened",
  updated: "updated",
  acknowledged: "acknowledgedEvent",
  commented: "commented",
  assigned: "assigned",
  escalated: "escalated",
  reminded: "reminded",
  affected_changed: "affectedChanged",
  resolved: "resolvedEvent",
  notified: "notified",
  delivered: "delivered",
};

/** Runs of value updates folded into their latest (a live value can update every few seconds), with the count. */
function fold(history: HistoryEntry[]): { entry: HistoryEntry; updates: number }[] {
  const out: { entry: HistoryEntry; updates: number }[] = [];
  for (const entry of history) {
    const last = out.at(-1);
    if (entry.action === "updated" && last?.entry.action === "updated")
      out[out.length - 1] = { entry, updates: last.updates + 1 };
    else out.push({ entry, updates: 1 });
  }
  return out;
}

/** Every recorded step of an alert, oldest first: what, when, by whom, and the words or figures it carried. */
export function AlertTimeline({
  history,
  field,
  person,
  deviceName,
  timeZone,
}: {
  history: HistoryEntry[];
  field: string | null;
  person: (username: string) => string;
  deviceName: (deviceId: string) => string;
  timeZone: string | undefined;
}) {
  const { lang } = useSession();
  const a = ALERT_TEXT[lang];
  const text = (key: keyof AlertText) => {
    const value = a[key];
    return typeof value === "string" ? value : String(key);
  };
  return (
    <ol class="timeline" data-testid="timeline">
      {fold(history).map(({ entry: h, updates }, i) => {
        const d = h.detail ?? {};
        const lines: string[] = [];
        if (updates > 1) lines.push(a.updates(updates));
        if (h.by === "auto") lines.push(a.automatically);
        else if (h.by) lines.push(a.by(person(h.by)));
        if (h.action === "assigned" && typeof d.assignee === "string")
          lines.push(a.assignedEvent(person(d.assignee)));
        if (h.action === "escalated" && Array.isArray(d.audience))
          lines.push(a.escalatedTo(d.audience.map((r) => codeLabel(lang, "role", String(r))).join("、")));
        if ((h.action === "opened" || h.action === "reopened" || h.action === "updated") && "observed" in d)
          lines.push(`${a.observed}: ${fieldValue(lang, field ?? "", d.observed)}`);
        if (h.action === "affected_changed" && Array.isArray(d.affected))
          lines.push(d.affected.map((id) => deviceName(String(id))).join("、"));
        if ((h.action === "notified" || h.action === "delivered") && typeof d.username === "string") {
          // Who was told, how, and at which step of the escalation chain (the delivery's time is the entry's).
          lines.push(a.notice(person(d.username), codeLabel(lang, "medium", String(d.medium))));
          if (typeof d.step === "number") lines.push(a.step(d.step));
          if (typeof d.repeat === "number" && d.repeat > 0) lines.push(a.repeat(d.repeat));
        }
        if (typeof d.comment === "string") lines.push(`“${d.comment}”`);
        if (h.action === "resolved" && typeof d.reason === "string")
          // Automatic reasons are the server's English: shown translated, never as they came.
          lines.push(a.why(h.by === "auto" ? (a.autoReasons[d.reason] ?? a.autoResolved) : d.reason));
        return (
          <li key={i} data-action={h.action}>
            <time>{formatTime(h.atMs, lang, timeZone)}</time>
            <strong>{text(TITLES[h.action] ?? "updated")}</strong>
            {lines.length > 0 ? <span>{lines.join(" · ")}</span> : null}
          </li>
        );
      })}
    </ol>
  );
}
