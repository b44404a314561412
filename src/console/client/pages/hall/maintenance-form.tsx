import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { ErrorNote } from "../../components/errors.js";
import { codeLabel, KIND_LABELS } from "../../i18n/codes.js";
import { HALL_TEXT } from "../../i18n/hall.js";
import { useSession } from "../../session.js";
import type { DeviceView } from "../../types.js";
import type { Recurrence, Scope } from "./maintenance-list.js";
import { WEEKDAYS } from "./opening-hours.js";
import { localToMs } from "./zone-time.js";

type ScopeType = Scope["type"];
type RecurrenceType = Recurrence["type"];
const SCOPES: ScopeType[] = ["hall", "kind", "device"];
const RECURRENCES: RecurrenceType[] = ["once", "daily", "weekly", "monthly", "cron"];

/**
 * Plans a maintenance window in every form the API takes: the whole hall, one kind or one device; once (from and
 * to, in the hall's clock), daily, weekly on chosen days, monthly on a day, or by a cron expression.
 */
export function MaintenanceForm({
  hallId,
  timeZone,
  devices,
  onAdded,
}: {
  hallId: string;
  timeZone: string;
  devices: DeviceView[];
  onAdded: () => void;
}) {
  const { lang } = useSession();
  const text = HALL_TEXT[lang];
  const [f, setF] = useState({
    scope: "hall" as ScopeType,
    kind: "kiosk",
    deviceId: "",
    recurrence: "once" as RecurrenceType,
    startDate: "",
    startTime: "",
    endDate: "",
    endTime: "",
    start: "02:00",
    durationMin: "60",
    weekdays: [] as string[],
    dayOfMonth: "1",
    expression: "0 2 * * *",
    reason: "",
  });
  const [problem, setProblem] = useState<unknown>(null);
  const [status, setStatus] = useState("");
  const set = (patch: Partial<typeof f>) => {
    setStatus("");
    setF({ ...f, ...patch });
  };
  const value = (e: Event) => (e.currentTarget as HTMLInputElement).value;

  const submit = async (event: Event) => {
    event.preventDefault();
    const recurrence = buildRecurrence();
    if (typeof recurrence === "string") return setProblem(new Error(recurrence));
    const deviceId = f.deviceId || devices[0]?.deviceId || "";
    const scope: Scope =
      f.scope === "hall"
        ? { type: "hall" }
        : f.scope === "kind"
          ? { type: "kind", kind: f.kind }
          : { type: "device", deviceId };
    try {
      await api("POST", `/api/halls/${encodeURIComponent(hallId)}/maintenance-windows`, {
        scope,
        recurrence,
        reason: f.reason,
      });
      setProblem(null);
      setStatus(text.windowAdded);
      onAdded();
    } catch (err) {
      setProblem(err);
    }
  };

  /** The recurrence as the API takes it, or the sentence saying what is missing. */
  function buildRecurrence(): Recurrence | string {
    const durationMin = Number(f.durationMin);
    switch (f.recurrence) {
      case "once": {
        const startMs = localToMs(f.startDate, f.startTime, timeZone);
        const endMs = localToMs(f.endDate, f.endTime, timeZone);
        if (startMs === null || endMs === null) return text.badTime;
        if (endMs <= startMs) return text.endBeforeStart;
        return { type: "once", startMs, endMs };
      }
      case "daily":
        return { type: "daily", start: f.start, durationMin };
      case "weekly":
        if (f.weekdays.length === 0) return text.pickWeekday;
        return {
          type: "weekly",
          weekdays: WEEKDAYS.filter((d) => f.weekdays.includes(d)),
          start: f.start,
          durationMin,
        };
      case "monthly":
        return { type: "monthly", dayOfMonth: Number(f.dayOfMonth), start: f.start, durationMin };
      case "cron":
        return { type: "cron", expression: f.expression.trim(), durationMin };
    }
  }

  const recurrenceLabel: Record<RecurrenceType, string> = {
    once: text.once,
    daily: text.daily,
    weekly: text.weeklyRec,
    monthly: text.monthly,
    cron: text.cron,
  };
  const scopeLabel: Record<ScopeType, string> = {
    hall: text.scopeHall,
    kind: text.scopeKind,
    device: text.scopeDevice,
  };
  return (
    <form class="maintenance-form" data-testid="maintenance-form" onSubmit={submit}>
      <h3>{text.addWindow}</h3>
      <label>
        {text.scope}
        <select name="scope" value={f.scope} onChange={(e) => set({ scope: value(e) as ScopeType })}>
          {SCOPES.map((s) => (
            <option key={s} value={s}>
              {scopeLabel[s]}
            </option>
          ))}
        </select>
      </label>
      {f.scope === "kind" ? (
        <label>
          {text.kind}
          <select name="kind" value={f.kind} onChange={(e) => set({ kind: value(e) })}>
            {Object.keys(KIND_LABELS).map((k) => (
              <option key={k} value={k}>
                {codeLabel(lang, "kind", k)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {f.scope === "device" ? (
        <label>
          {text.device}
          <select name="deviceId" value={f.deviceId} onChange={(e) => set({ deviceId: value(e) })}>
            {devices.map((d) => (
              <option key={d.deviceId} value={d.deviceId}>
                {`${d.name ?? d.deviceId} (${codeLabel(lang, "kind", d.kind)})`}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label>
        {text.recurrence}
        <select
          name="recurrence"
          value={f.recurrence}
          onChange={(e) => set({ recurrence: value(e) as RecurrenceType })}
        >
          {RECURRENCES.map((r) => (
            <option key={r} value={r}>
              {recurrenceLabel[r]}
            </option>
          ))}
        </select>
      </label>
      {f.recurrence === "once" ? (
        <div class="pair">
          {(["startDate", "startTime", "endDate", "endTime"] as const).map((name) => (
            <label key={name}>
              {text[name]}
              <input
                type={name.endsWith("Date") ? "date" : "time"}
                name={name}
                required
                value={f[name]}
                onInput={(e) => set({ [name]: value(e) })}
              />
            </label>
          ))}
        </div>
      ) : null}
      {f.recurrence === "weekly" ? (
        <fieldset class="weekdays">
          <legend>{text.weekdays}</legend>
          {WEEKDAYS.map((d) => (
            <label key={d} class="check">
              <input
                type="checkbox"
                name={`weekday-${d}`}
                checked={f.weekdays.includes(d)}
                onChange={(e) =>
                  set({
                    weekdays: e.currentTarget.checked
                      ? [...f.weekdays, d]
                      : f.weekdays.filter((x) => x !== d),
                  })
                }
              />
              {codeLabel(lang, "weekday", d)}
            </label>
          ))}
        </fieldset>
      ) : null}
      {f.recurrence === "monthly" ? (
        <label>
          {text.dayOfMonth}
          <input
            type="number"
            name="dayOfMonth"
            min={1}
            max={31}
            required
            value={f.dayOfMonth}
            onInput={(e) => set({ dayOfMonth: value(e) })}
          />
        </label>
      ) : null}
      {f.recurrence === "cron" ? (
        <label>
          {text.expression}
          <input
            name="expression"
            required
            value={f.expression}
            onInput={(e) => set({ expression: value(e) })}
          />
        </label>
      ) : null}
      {f.recurrence === "daily" || f.recurrence === "weekly" || f.recurrence === "monthly" ? (
        <label>
          {text.start}
          <input
            type="time"
            name="start"
            required
            value={f.start}
            onInput={(e) => set({ start: value(e) })}
          />
        </label>
      ) : null}
      {f.recurrence !== "once" ? (
        <label>
          {text.durationMin}
          <input
            type="number"
            name="durationMin"
            min={1}
            max={10080}
            required
            value={f.durationMin}
            onInput={(e) => set({ durationMin: value(e) })}
          />
        </label>
      ) : null}
      <label>
        {text.reason}
        <textarea
          name="reason"
          required
          maxLength={500}
          rows={2}
          value={f.reason}
          onInput={(e) => set({ reason: value(e) })}
        />
      </label>
      <div class="actions">
        <button type="submit" class="primary">
          {text.addWindow}
        </button>
        <span role="status">{status}</span>
      </div>
      {problem ? (
        problem instanceof Error && !("code" in problem) ? (
          <p class="error" role="alert">
            {problem.message}
          </p>
        ) : (
          <ErrorNote error={problem} />
        )
      ) : null}
    </form>
  );
}
