import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { ErrorNote } from "../../components/errors.js";
import { codeLabel, FAULT_LABELS, KIND_LABELS } from "../../i18n/codes.js";
import { SILENCE_TEXT } from "../../i18n/silences.js";
import { useSession } from "../../session.js";
import type { HallView } from "../../types.js";

const HOUR_MS = 3_600_000;
/** The durations offered, up to the server's longest silence (30 days). */
const DURATIONS_H = [1, 2, 4, 8, 12, 24, 72, 168, 720];
const SEVERITIES = ["critical", "major", "operational", "minor", "warning"];

export interface Prefill {
  hallId?: string | undefined;
  faultType?: string | undefined;
  deviceId?: string | undefined;
}

/** Creates a silence: matchers (each optional, at least one), a reason and how long it lasts. */
export function SilenceForm({
  halls,
  prefill,
  onCreated,
}: {
  halls: HallView[];
  prefill: Prefill;
  onCreated: () => void;
}) {
  const { lang, user } = useSession();
  const text = SILENCE_TEXT[lang];
  const everyHall = user.roles.includes("admin") || user.halls.includes("*");
  const [f, setF] = useState({
    hallId: prefill.hallId ?? (everyHall ? "" : (halls[0]?.id ?? "")),
    kind: "",
    deviceId: prefill.deviceId ?? "",
    faultType: prefill.faultType ?? "",
    severity: "",
    reason: "",
    hours: "2",
  });
  const [problem, setProblem] = useState<unknown>(null);
  const [status, setStatus] = useState(prefill.hallId || prefill.faultType ? text.prefilled : "");
  const set = (patch: Partial<typeof f>) => {
    setStatus("");
    setF({ ...f, ...patch });
  };
  const value = (e: Event) => (e.currentTarget as HTMLInputElement).value;

  const submit = async (event: Event) => {
    event.preventDefault();
    const matchers = Object.fromEntries(
      Object.entries({
        hallId: f.hallId,
        kind: f.kind,
        deviceId: f.deviceId.trim(),
        faultType: f.faultType,
        severity: f.severity,
      }).filter(([, v]) => v !== ""),
    );
    if (Object.keys(matchers).length === 0) return setProblem(new Error(text.needMatcher));
    try {
      await api("POST", "/api/silences", {
        matchers,
        reason: f.reason,
        durationMs: Number(f.hours) * HOUR_MS,
      });
      setProblem(null);
      setF({ ...f, reason: "" });
      setStatus(text.created);
      onCreated();
    } catch (err) {
      setProblem(err);
    }
  };

  const select = (name: keyof typeof f, label: string, options: [string, string][]) => (
    <label>
      {label}
      <select name={name} value={f[name]} onChange={(e) => set({ [name]: value(e) })}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <form class="silence-form card" data-testid="silence-form" onSubmit={submit}>
      <h2>{text.create}</h2>
      {select("hallId", text.hall, [
        ...(everyHall ? ([["", text.allHalls]] as [string, string][]) : []),
        ...halls.map((h) => [h.id, h.name] as [string, string]),
      ])}
      {select("kind", text.kind, [
        ["", text.any],
        ...Object.keys(KIND_LABELS).map((k) => [k, codeLabel(lang, "kind", k)] as [string, string]),
      ])}
      <label>
        {text.deviceId}
        <input
          name="deviceId"
          value={f.deviceId}
          maxLength={64}
          autoComplete="off"
          onInput={(e) => set({ deviceId: value(e) })}
        />
      </label>
      {select("faultType", text.fault, [
        ["", text.any],
        ...Object.keys(FAULT_LABELS)
          .map((c) => [c, codeLabel(lang, "fault", c)] as [string, string])
          .sort((a, b) => a[1].localeCompare(b[1], lang)),
      ])}
      {select("severity", text.severity, [
        ["", text.any],
        ...SEVERITIES.map((s) => [s, codeLabel(lang, "severity", s)] as [string, string]),
      ])}
      {select(
        "hours",
        text.duration,
        DURATIONS_H.map((h) => [String(h), h < 24 ? text.hours(h) : text.days(h / 24)]),
      )}
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
          {text.create}
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
