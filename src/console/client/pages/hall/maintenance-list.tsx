import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { ConfirmButton } from "../../components/confirm.js";
import { ErrorNote } from "../../components/errors.js";
import { Async, useApi } from "../../components/use-api.js";
import { codeLabel } from "../../i18n/codes.js";
import { HALL_TEXT } from "../../i18n/hall.js";
import type { Lang } from "../../i18n.js";
import { useSession } from "../../session.js";
import type { DeviceView } from "../../types.js";
import { MaintenanceForm } from "./maintenance-form.js";
import { hallClock } from "./zone-time.js";

export type Scope = { type: "hall" } | { type: "kind"; kind: string } | { type: "device"; deviceId: string };
export type Recurrence =
  | { type: "once"; startMs: number; endMs: number }
  | { type: "daily"; start: string; durationMin: number }
  | { type: "weekly"; weekdays: string[]; start: string; durationMin: number }
  | { type: "monthly"; dayOfMonth: number; start: string; durationMin: number }
  | { type: "cron"; expression: string; durationMin: number };
export interface MaintenanceWindow {
  id: string;
  scope: Scope;
  recurrence: Recurrence;
  reason: string;
  createdBy: string;
  removedMs?: number | null;
}

/** The server's roles for adding and deleting maintenance windows (src/api/routes/maintenance.ts). */
export const PLANNERS = ["admin", "duty_manager", "maintenance"];

/** A hall's maintenance windows, each in words in the hall's zone; planners add and delete them. */
export function MaintenanceWindows({ hallId, timeZone }: { hallId: string; timeZone: string }) {
  const { lang, hasRole } = useSession();
  const text = HALL_TEXT[lang];
  const canPlan = hasRole(...PLANNERS);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const windows = useApi<{ items: MaintenanceWindow[] }>(
    `/api/halls/${encodeURIComponent(hallId)}/maintenance-windows`,
  );
  const devices = useApi<{ items: DeviceView[] }>(`/api/devices?hallId=${encodeURIComponent(hallId)}`);
  const names = new Map((devices.data?.items ?? []).map((d) => [d.deviceId, d.name ?? d.deviceId]));
  return (
    <section class="maintenance card" aria-labelledby="maintenance-title">
      <h2 id="maintenance-title">{text.maintenance}</h2>
      <Async state={windows}>
        {({ items }) => {
          const live = items.filter((w) => w.removedMs == null);
          return (
            <ul class="windows" data-testid="maintenance-list">
              {live.length === 0 ? <li class="muted">{text.noWindows}</li> : null}
              {live.map((w) => (
                <li key={w.id} data-testid="window">
                  <strong>{w.reason}</strong>
                  <span>{`${scopeText(w.scope, lang, names)} · ${whenText(w.recurrence, timeZone, lang)}`}</span>
                  <span class="muted">{`${text.by}: ${w.createdBy}`}</span>
                  {deleteError ? <ErrorNote error={deleteError} /> : null}
                  {canPlan ? (
                    <ConfirmButton
                      label={text.delete}
                      question={text.deleteWindow(w.reason)}
                      onConfirm={async () => {
                        setDeleteError(null);
                        try {
                          await api("DELETE", `/api/maintenance-windows/${encodeURIComponent(w.id)}`);
                        } catch (err) {
                          setDeleteError(err);
                        }
                        windows.reload();
                      }}
                    />
                  ) : null}
                </li>
              ))}
            </ul>
          );
        }}
      </Async>
      {canPlan ? (
        <MaintenanceForm
          hallId={hallId}
          timeZone={timeZone}
          devices={devices.data?.items ?? []}
          onAdded={windows.reload}
        />
      ) : null}
    </section>
  );
}

export function scopeText(scope: Scope, lang: Lang, names: Map<string, string>): string {
  const text = HALL_TEXT[lang];
  if (scope.type === "hall") return text.scopeHall;
  if (scope.type === "kind") return codeLabel(lang, "kind", scope.kind);
  return `${text.device} ${names.get(scope.deviceId) ?? scope.deviceId}`;
}

export function whenText(r: Recurrence, timeZone: string, lang: Lang): string {
  const text = HALL_TEXT[lang];
  if (r.type === "once") return `${hallClock(r.startMs, timeZone)} – ${hallClock(r.endMs, timeZone)}`;
  const d = text.minutes(r.durationMin);
  if (r.type === "daily") return text.dailyAt(r.start, d);
  if (r.type === "monthly") return text.monthlyAt(r.dayOfMonth, r.start, d);
  if (r.type === "cron") return text.cronAt(r.expression, d);
  const days = r.weekdays.map((day) => codeLabel(lang, "weekday", day)).join(lang === "zh" ? "、" : ", ");
  return text.weeklyAt(days, r.start, d);
}
