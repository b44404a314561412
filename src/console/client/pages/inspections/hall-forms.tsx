import { useEffect, useState } from "preact/hooks";
import { ApiFailure, api } from "../../api.js";
import { ErrorNote, errorMessage } from "../../components/errors.js";
import { formatTime } from "../../dom.js";
import { codeLabel } from "../../i18n/codes.js";
import { INSPECTION_TEXT } from "../../inspections-i18n.js";
import { useSession } from "../../session.js";
import { type Action, FIXERS } from "./types.js";

/** QR labels and the compliance report (printable or CSV) for a range of the hall's local dates. */
export function ReportLinks({ base, timeZone }: { base: string; timeZone: string }) {
  const { lang } = useSession();
  const t = INSPECTION_TEXT[lang];
  // Today in the hall's zone (en-CA formats as YYYY-MM-DD), not in UTC: at 02:30 in Shanghai it is already
  // tomorrow there, and the report must include today's inspections.
  const today = new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date());
  const [from, setFrom] = useState(`${today.slice(0, 8)}01`);
  const [to, setTo] = useState(today);
  const report = (format: "html" | "csv") =>
    `${base}/inspection-compliance?from=${from}&to=${to}&format=${format}`;
  return (
    <div class="report-links">
      <a href={`${base}/fire-asset-labels`} target="_blank" rel="noopener">
        {t.labels}
      </a>
      <span>{`${t.report}:`}</span>
      <label>
        {t.from}
        <input type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
      </label>
      <label>
        {t.to}
        <input type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
      </label>
      <a href={report("html")} target="_blank" rel="noopener">
        {t.print}
      </a>
      <a href={report("csv")} target="_blank" rel="noopener">
        {t.csv}
      </a>
    </div>
  );
}

/** An open corrective action; maintenance closes it with what was done. */
export function ActionRow({ action, onClosed }: { action: Action; onClosed: () => void }) {
  const { lang, hasRole } = useSession();
  const t = INSPECTION_TEXT[lang];
  const canClose = hasRole(...FIXERS);
  const [note, setNote] = useState("");
  const [error, setError] = useState<unknown>(null);
  const what = `${action.assetId} · ${codeLabel(lang, "checkItem", action.item)} · ${formatTime(action.openedMs, lang)} · ${action.openedBy}`;
  const close = async (event: Event) => {
    event.preventDefault();
    try {
      await api("POST", `/api/corrective-actions/${encodeURIComponent(action.id)}/close`, { note });
      onClosed();
    } catch (err) {
      setError(err);
    }
  };
  if (!canClose)
    return (
      <p class="action" data-testid={`action-${action.id}`}>
        {what}
      </p>
    );
  return (
    <form class="action" data-testid={`action-${action.id}`} onSubmit={close}>
      <span>{what}</span>
      <label>
        {t.closeNote}
        <input name="note" required value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
      <button type="submit">{t.close}</button>
      {error ? <ErrorNote error={error} /> : null}
    </form>
  );
}

/** Maintenance imports the asset register from a CSV file (all rows valid, or nothing is written). */
export function ImportForm({ hallId, onImported }: { hallId: string; onImported: () => void }) {
  const { lang } = useSession();
  const t = INSPECTION_TEXT[lang];
  const [message, setMessage] = useState<{ text: string; bad: boolean } | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem(
      "assets-csv",
    ) as HTMLInputElement;
    const chosen = input.files?.[0];
    if (!chosen) return;
    try {
      const result = await api<{ created: number; updated: number }>(
        "POST",
        `/api/halls/${encodeURIComponent(hallId)}/fire-assets/import`,
        {
          csv: await chosen.text(),
        },
      );
      setMessage({ text: `${t.imported}: +${result.created} / ~${result.updated}`, bad: false });
      onImported();
    } catch (err) {
      // The server lists every bad line (line number and field); they are shown as they came.
      const details = err instanceof ApiFailure ? (err.details ?? []) : [];
      setMessage({ text: [errorMessage(err, lang), ...details].join("\n"), bad: true });
    }
  };
  return (
    <form class="import" onSubmit={submit}>
      <label>
        {t.importCsv}
        <input type="file" accept=".csv,text/csv" name="assets-csv" required />
      </label>
      <button type="submit">{t.importButton}</button>
      <pre class={`notice${message?.bad ? " bad" : ""}`} role="status">
        {message?.text ?? ""}
      </pre>
    </form>
  );
}

const FREQUENCIES = ["weekly", "half_monthly", "monthly"] as const;
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** The duty manager sets how often the hall's fire equipment is inspected. */
export function PolicyForm({ hallId }: { hallId: string }) {
  const { lang } = useSession();
  const t = INSPECTION_TEXT[lang];
  const [policy, setPolicy] = useState({ frequency: "weekly", weekday: "mon", graceHours: "0" });
  const [status, setStatus] = useState<unknown>(null);
  useEffect(() => {
    api<{ frequency: string; weekday: string; graceHours: number }>(
      "GET",
      `/api/halls/${encodeURIComponent(hallId)}/inspection-policy`,
    ).then(
      (p) => setPolicy({ frequency: p.frequency, weekday: p.weekday, graceHours: String(p.graceHours) }),
      (err: unknown) => setStatus(err),
    );
  }, [hallId]);
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await api("PUT", `/api/halls/${encodeURIComponent(hallId)}/inspection-policy`, {
        ...policy,
        graceHours: Number(policy.graceHours),
      });
      setStatus("saved");
    } catch (err) {
      setStatus(err);
    }
  };
  return (
    <form class="policy" onSubmit={submit}>
      <strong>{t.policy}</strong>
      <label>
        {t.frequencyLabel}
        <select
          name="frequency"
          value={policy.frequency}
          onChange={(e) => setPolicy({ ...policy, frequency: e.currentTarget.value })}
        >
          {FREQUENCIES.map((f) => (
            <option key={f} value={f}>
              {t.frequency[f]}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t.policyDay}
        <select
          name="weekday"
          value={policy.weekday}
          onChange={(e) => setPolicy({ ...policy, weekday: e.currentTarget.value })}
        >
          {WEEKDAYS.map((d) => (
            <option key={d} value={d}>
              {codeLabel(lang, "weekday", d)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t.graceHours}
        <input
          type="number"
          name="graceHours"
          min={0}
          max={168}
          value={policy.graceHours}
          onInput={(e) => setPolicy({ ...policy, graceHours: e.currentTarget.value })}
        />
      </label>
      <button type="submit">{t.save}</button>
      {status === "saved" ? (
        <span role="status">{t.saved}</span>
      ) : status ? (
        <ErrorNote error={status} />
      ) : null}
    </form>
  );
}
