import { useState } from "preact/hooks";
import { AlertDrawer } from "../alerts/alert-drawer.js";
import { ALERT_TEXT } from "../alerts/alert-text.js";
import type { FullAlert } from "../alerts/alert-types.js";
import { useHallDevices, useHalls, usePeople } from "../alerts/directory.js";
import { Field } from "../alerts/field.js";
import { dayIn, startOfDayMs } from "../alerts/zoned-dates.js";
import { Async, useApi } from "../components/use-api.js";
import { formatTime } from "../dom.js";
import { codeLabel, KIND_LABELS } from "../i18n/codes.js";
import { href } from "../router.js";
import { useSession } from "../session.js";

const PAGE_SIZE = 25;
const DEFAULT_DAYS = 7;
const SEVERITIES = ["critical", "major", "minor", "warning", "operational"] as const;
const STATUSES = ["active", "open", "acknowledged", "resolved"] as const;

interface Filters {
  hallId: string;
  deviceId: string;
  kind: string;
  severity: string;
  status: string;
  from: string;
  to: string;
}

/** The query of GET /api/alerts (and its CSV) for the filters; days are the hall's, `to` is inclusive. */
function query(f: Filters, timeZone: string): URLSearchParams {
  const q = new URLSearchParams();
  if (f.hallId) q.set("hallId", f.hallId);
  if (f.deviceId) q.set("deviceId", f.deviceId);
  if (f.kind) q.set("kind", f.kind);
  if (f.severity) q.set("severity", f.severity);
  if (f.status) q.set("status", f.status);
  const fromMs = startOfDayMs(f.from, timeZone);
  const toMs = startOfDayMs(f.to, timeZone, 1);
  if (fromMs !== null) q.set("fromMs", String(fromMs));
  if (toMs !== null) q.set("toMs", String(toMs));
  return q;
}

/**
 * Every alert of the user's halls, filtered by hall, device, kind, severity, status and days (in the hall's zone),
 * a page at a time, exportable as CSV. `#/alerts/<id>` opens that alert's drawer over the list.
 */
export function AlertHistory({ openId, nowMs = Date.now() }: { openId: string | null; nowMs?: number }) {
  const { t, lang, user } = useSession();
  const a = ALERT_TEXT[lang];
  const halls = useHalls();
  const firstHall = user.halls.includes("*") ? "" : (user.halls[0] ?? "");
  const [draft, setDraft] = useState<Filters | null>(null);
  const [applied, setApplied] = useState<Filters | null>(null);
  const [page, setPage] = useState(0);
  if (halls === null) return <p class="muted">{t.loading}</p>;
  const zoneOf = (hallId: string) =>
    halls.find((h) => h.id === (hallId || halls[0]?.id))?.timeZone ?? "Asia/Shanghai";
  const initial: Filters = {
    hallId: firstHall,
    deviceId: "",
    kind: "",
    severity: "",
    status: "",
    from: dayIn(nowMs - (DEFAULT_DAYS - 1) * 86_400_000, zoneOf(firstHall)),
    to: dayIn(nowMs, zoneOf(firstHall)),
  };
  const form = draft ?? initial;
  const current = applied ?? initial;
  const q = query(current, zoneOf(current.hallId));
  const set = (key: keyof Filters) => (event: Event) =>
    setDraft({ ...form, [key]: (event.currentTarget as HTMLInputElement).value });
  return (
    <section class="alert-history">
      <h1>{a.history}</h1>
      <form
        class="filters"
        aria-label={a.filters}
        onSubmit={(event) => {
          event.preventDefault();
          setApplied(form);
          setPage(0);
        }}
      >
        <Field label={a.hall}>
          {(id) => (
            <select
              id={id}
              name="hallId"
              value={form.hallId}
              onChange={(e) => setDraft({ ...form, hallId: e.currentTarget.value, deviceId: "" })}
            >
              <option value="">{a.allHalls}</option>
              {halls.map((h) => (
                <option key={h.id} value={h.id}>
                  {h.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <DeviceSelect hallId={form.hallId} value={form.deviceId} onChange={set("deviceId")} />
        <Field label={a.kind}>
          {(id) => (
            <select id={id} name="kind" value={form.kind} onChange={set("kind")}>
              <option value="">{a.any}</option>
              {Object.keys(KIND_LABELS).map((k) => (
                <option key={k} value={k}>
                  {codeLabel(lang, "kind", k)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={a.severity}>
          {(id) => (
            <select id={id} name="severity" value={form.severity} onChange={set("severity")}>
              <option value="">{a.any}</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {t.severity[s]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={a.status}>
          {(id) => (
            <select id={id} name="status" value={form.status} onChange={set("status")}>
              <option value="">{a.any}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s === "active" ? a.active : t[s]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={a.from}>
          {(id) => <input id={id} type="date" name="from" required value={form.from} onInput={set("from")} />}
        </Field>
        <Field label={a.to}>
          {(id) => (
            <input
              id={id}
              type="date"
              name="to"
              required
              value={form.to}
              onInput={set("to")}
              min={form.from}
            />
          )}
        </Field>
        <div class="filter-actions">
          <button type="submit">{a.apply}</button>
          <a class="button" href={`/api/alerts.csv?${q.toString()}&lang=${lang}`} download data-testid="csv">
            {a.exportCsv}
          </a>
        </div>
      </form>
      <Results query={q} page={page} setPage={setPage} />
      {openId ? (
        <AlertDrawer key={openId} alertId={openId} onClose={() => (location.hash = href("alerts"))} />
      ) : null}
    </section>
  );
}

function DeviceSelect({
  hallId,
  value,
  onChange,
}: {
  hallId: string;
  value: string;
  onChange: (e: Event) => void;
}) {
  const { lang } = useSession();
  const a = ALERT_TEXT[lang];
  const devices = useHallDevices(hallId || null);
  return (
    <Field label={a.device}>
      {(id) => (
        <select id={id} name="deviceId" value={value} onChange={onChange} disabled={!hallId}>
          <option value="">{a.any}</option>
          {(devices ?? []).map((d) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.name ?? d.deviceId}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function Results({
  query: q,
  page,
  setPage,
}: {
  query: URLSearchParams;
  page: number;
  setPage: (n: number) => void;
}) {
  const { lang } = useSession();
  const a = ALERT_TEXT[lang];
  const list = useApi<{ items: FullAlert[]; total: number }>(
    `/api/alerts?${q.toString()}&limit=${PAGE_SIZE}&offset=${page * PAGE_SIZE}`,
  );
  return (
    <Async state={list}>
      {({ items, total }) => {
        const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
        return (
          <>
            <p class="muted" data-testid="total">
              {a.results(total)}
            </p>
            {items.length === 0 ? (
              <p class="muted">{a.none}</p>
            ) : (
              <ul class="history-list" data-testid="history">
                {items.map((alert) => (
                  <HistoryRow key={alert.id} alert={alert} />
                ))}
              </ul>
            )}
            {pages > 1 ? (
              <nav class="pager" aria-label={a.page(page + 1, pages)}>
                <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
                  {a.previous}
                </button>
                <span>{a.page(page + 1, pages)}</span>
                <button type="button" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>
                  {a.next}
                </button>
              </nav>
            ) : null}
          </>
        );
      }}
    </Async>
  );
}

function HistoryRow({ alert }: { alert: FullAlert }) {
  const { t, lang } = useSession();
  const devices = useHallDevices(alert.hallId);
  const people = usePeople(alert.hallId);
  const halls = useHalls();
  const hall = halls?.find((h) => h.id === alert.hallId);
  const subject = alert.deviceId
    ? (devices?.find((d) => d.deviceId === alert.deviceId)?.name ?? alert.deviceId)
    : (alert.agentId ?? hall?.name ?? alert.hallId);
  const assignee = alert.assignee
    ? (people?.find((p) => p.username === alert.assignee?.username)?.displayName ?? alert.assignee.username)
    : null;
  return (
    <li class={`sev-${alert.severity}`} data-alert-id={alert.id}>
      <a href={href("alerts", alert.id)}>
        <strong>{codeLabel(lang, "fault", alert.faultType)}</strong>
        <span>{`${hall?.name ?? alert.hallId} · ${subject}`}</span>
        <span class="muted">
          {`${formatTime(alert.openedMs, lang, hall?.timeZone)} · ${t.severity[alert.severity]} · ${t[alert.status]}`}
          {assignee ? ` · ${ALERT_TEXT[lang].assignedTo(assignee)}` : ""}
        </span>
      </a>
    </li>
  );
}
