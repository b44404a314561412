import { useState } from "preact/hooks";
import { api } from "../api.js";
import { ConfirmButton } from "../components/confirm.js";
import { errorMessage } from "../components/errors.js";
import { useApi } from "../components/use-api.js";
import { formatTime } from "../dom.js";
import { ACTIONS_TEXT, type ActionsWord } from "../i18n/device-actions.js";
import type { Lang } from "../i18n.js";
import { useSession } from "../session.js";

type Action = "identify" | "set_report_interval" | "restart_app" | "reboot_host" | "screenshot";
const ERROR_CODES = [
  "expired",
  "unknown_device",
  "unsupported",
  "not_enabled",
  "screenshot_too_large",
  "failed",
  "invalid_command",
] as const;

interface ActionReply {
  ok: boolean;
  errorCode?: string;
  result?: { screenshot?: { mimeType: string; dataBase64: string } };
}
interface ActionLog {
  allowed: Action[];
  items: {
    atMs: number;
    by: string;
    action: Action | null;
    outcome: { status: string; ok?: boolean } | null;
  }[];
}

type Shown =
  | { state: "pending"; action: Action }
  | { state: "replied"; action: Action; reply: ActionReply }
  | { state: "error"; action: Action; error: unknown };

/** The reply's refusal in words: the agent's code, or "it failed" for anything else (never its raw English). */
function refusal(lang: Lang, code: string | undefined): string {
  const w = ACTIONS_TEXT[lang];
  return w[(ERROR_CODES as readonly string[]).includes(code ?? "") ? (code as ActionsWord) : "failed"];
}

function outcomeLabel(lang: Lang, outcome: ActionLog["items"][number]["outcome"]): string {
  const w = ACTIONS_TEXT[lang];
  if (!outcome) return "";
  if (outcome.status === "replied") return outcome.ok ? w.replied_ok : w.replied_fail;
  const known = ["forbidden", "agent_offline", "agent_timeout", "too_many_actions", "action_not_for_kind"];
  return known.includes(outcome.status) ? w[outcome.status as ActionsWord] : w.replied_fail;
}

/**
 * Remote actions on a device (identify, report interval, restart, reboot, screenshot): only the buttons the
 * server says the user may use, restart and reboot behind a confirmation, then the agent's reply or why not.
 */
export function DeviceActions({ hallId, deviceId }: { hallId: string; deviceId: string }) {
  const { lang } = useSession();
  const w = ACTIONS_TEXT[lang];
  const log = useApi<ActionLog>(
    `/api/devices/${encodeURIComponent(hallId)}/${encodeURIComponent(deviceId)}/actions?limit=10`,
  );
  const [shown, setShown] = useState<Shown | null>(null);
  const [intervalSec, setIntervalSec] = useState("60");
  const allowed = log.data?.allowed ?? [];
  if (allowed.length === 0) return null;
  const busy = shown?.state === "pending";

  const run = async (action: Action, params: Record<string, unknown> = {}) => {
    setShown({ state: "pending", action });
    try {
      const reply = await api<ActionReply>(
        "POST",
        `/api/devices/${encodeURIComponent(hallId)}/${encodeURIComponent(deviceId)}/actions`,
        { action, ...params },
      );
      setShown({ state: "replied", action, reply });
    } catch (error) {
      setShown({ state: "error", action, error });
    }
    log.reload();
  };
  const may = (a: Action) => allowed.includes(a);
  const shot = shown?.state === "replied" ? shown.reply.result?.screenshot : undefined;

  return (
    <section class="device-actions" data-testid="device-actions" aria-labelledby="device-actions-title">
      <h2 id="device-actions-title">{w.title}</h2>
      <div class="action-buttons">
        {may("identify") ? (
          <button type="button" disabled={busy} onClick={() => run("identify")}>
            {w.identify}
          </button>
        ) : null}
        {may("screenshot") ? (
          <button type="button" disabled={busy} onClick={() => run("screenshot")}>
            {w.screenshot}
          </button>
        ) : null}
        {may("restart_app") ? (
          <ConfirmButton
            label={w.restart_app}
            question={w.restartQuestion}
            confirmLabel={w.confirmRestart}
            onConfirm={() => run("restart_app")}
          />
        ) : null}
        {may("reboot_host") ? (
          <ConfirmButton
            label={w.reboot_host}
            question={w.rebootQuestion}
            confirmLabel={w.confirmReboot}
            onConfirm={() => run("reboot_host", { confirm: true })}
          />
        ) : null}
      </div>
      {may("set_report_interval") ? (
        <form
          class="action-interval"
          onSubmit={(e) => {
            e.preventDefault();
            void run("set_report_interval", { reportIntervalSec: Number(intervalSec) });
          }}
        >
          <label>
            {w.intervalLabel}
            <input
              type="number"
              min={1}
              max={86400}
              required
              value={intervalSec}
              onInput={(e) => setIntervalSec((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" disabled={busy}>
            {w.apply}
          </button>
        </form>
      ) : null}
      <div class="action-outcome" aria-live="polite" data-testid="action-outcome">
        {shown?.state === "pending" ? <p aria-busy="true">{`${w[shown.action]} · ${w.pending}`}</p> : null}
        {shown?.state === "replied" ? (
          <p class={shown.reply.ok ? "ok" : "error"} role={shown.reply.ok ? "status" : "alert"}>
            {shown.reply.ok
              ? `${w.done}${w[shown.action]}`
              : `${w.refused}${w[shown.action]} — ${refusal(lang, shown.reply.errorCode)}`}
          </p>
        ) : null}
        {shown?.state === "error" ? (
          <p class="error" role="alert">{`${w[shown.action]} — ${errorMessage(shown.error, lang)}`}</p>
        ) : null}
        {shot ? (
          <img
            class="action-screenshot"
            data-testid="action-screenshot"
            alt={w.screenshotAlt}
            src={`data:${shot.mimeType};base64,${shot.dataBase64}`}
          />
        ) : null}
      </div>
      <h3>{w.recent}</h3>
      {log.data && log.data.items.length > 0 ? (
        <ul class="action-log" data-testid="action-log">
          {log.data.items.map((item, i) => (
            <li key={`${item.atMs}-${i}`}>
              <time>{formatTime(item.atMs, lang)}</time>
              {` ${item.action ? w[item.action] : ""} · ${item.by} · ${outcomeLabel(lang, item.outcome)}`}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{w.noRecent}</p>
      )}
    </section>
  );
}
