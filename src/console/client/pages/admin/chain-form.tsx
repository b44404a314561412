import { useState } from "preact/hooks";
import { ApiFailure, api } from "../../api.js";
import { ErrorNote } from "../../components/errors.js";
import { codeLabel } from "../../i18n/codes.js";
import { ESCALATION_TEXT } from "../../i18n/escalation.js";
import { useSession } from "../../session.js";
import type { HallView } from "../../types.js";
import type { Chain, ChainStep } from "./escalation-words.js";

export const SEVERITIES = ["critical", "major", "minor", "warning", "operational"] as const;
export const DUTY_ROLES = ["duty_manager", "floor_staff", "maintenance", "security", "admin"] as const;
export const MEDIA = ["email", "sms", "wecom", "dingtalk", "push"] as const;

export interface UserChoice {
  username: string;
  displayName: string;
}

const blankStep = (afterMin: number): ChainStep => ({
  afterMin,
  target: { onDuty: "duty_manager" },
  via: [],
});

/** Adds a chain (without `existing`) or edits one: severity, hall, steps (minutes, who, media), repeat interval. */
export function ChainForm({
  existing,
  halls,
  users,
  onSaved,
  onCancel,
}: {
  existing?: Chain;
  halls: HallView[];
  users: UserChoice[];
  onSaved: () => void;
  onCancel?: () => void;
}) {
  const { lang } = useSession();
  const e = ESCALATION_TEXT[lang];
  const [severity, setSeverity] = useState(existing?.severity ?? "critical");
  const [hallId, setHallId] = useState(existing?.hallId ?? "");
  const [steps, setSteps] = useState<ChainStep[]>(existing?.steps ?? [blankStep(0)]);
  const [repeat, setRepeat] = useState(existing?.repeatEveryMin ? String(existing.repeatEveryMin) : "");
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [orderWrong, setOrderWrong] = useState(false);
  const change = (i: number, next: Partial<ChainStep>) =>
    setSteps((all) => all.map((s, j) => (j === i ? { ...s, ...next } : s)));
  const prefix = existing ? "edit" : "new";
  return (
    <form
      class="stack admin-form chain-form"
      data-testid={existing ? "chain-edit" : "chain-form"}
      onSubmit={async (event) => {
        event.preventDefault();
        setFailure(null);
        if (steps.some((s, i) => i > 0 && s.afterMin < (steps[i - 1]?.afterMin ?? 0))) {
          setOrderWrong(true);
          return;
        }
        setOrderWrong(false);
        setBusy(true);
        try {
          await api("PUT", "/api/escalation-chains", {
            severity,
            hallId: hallId === "" ? null : hallId,
            steps,
            repeatEveryMin: repeat.trim() === "" ? null : Number(repeat),
          });
          if (!existing) {
            setSteps([blankStep(0)]);
            setRepeat("");
          }
          onSaved();
        } catch (err) {
          // The server's details name schema paths in English; its code says enough in the reader's language.
          setFailure(err instanceof ApiFailure ? new ApiFailure(err.status, err.code, err.message) : err);
        } finally {
          setBusy(false);
        }
      }}
    >
      {existing ? <h2>{e.editTitle}</h2> : null}
      <label>
        {e.severity}
        <select
          name="severity"
          value={severity}
          disabled={!!existing}
          onChange={(ev) => setSeverity(ev.currentTarget.value)}
        >
          {SEVERITIES.map((code) => (
            <option key={code} value={code}>
              {codeLabel(lang, "severity", code)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {e.hall}
        <select
          name="hallId"
          value={hallId}
          disabled={!!existing}
          onChange={(ev) => setHallId(ev.currentTarget.value)}
        >
          <option value="">{e.everyHall}</option>
          {halls.map((hall) => (
            <option key={hall.id} value={hall.id}>
              {hall.name}
            </option>
          ))}
        </select>
      </label>
      {steps.map((step, i) => {
        const kind = "onDuty" in step.target ? "onDuty" : "user";
        const id = `${prefix}-step-${i}`;
        return (
          <fieldset key={i} class="chain-step">
            <legend>{e.step.replace("{n}", String(i + 1))}</legend>
            <label>
              {e.afterMin}
              <input
                name="afterMin"
                type="number"
                inputMode="numeric"
                min={0}
                max={10080}
                required
                value={String(step.afterMin)}
                onInput={(ev) => change(i, { afterMin: Number(ev.currentTarget.value) })}
              />
            </label>
            <label>
              {e.targetKind}
              <select
                name="targetKind"
                value={kind}
                onChange={(ev) =>
                  change(i, {
                    target:
                      ev.currentTarget.value === "user"
                        ? { user: users[0]?.username ?? "" }
                        : { onDuty: "duty_manager" },
                  })
                }
              >
                <option value="onDuty">{e.onDuty}</option>
                <option value="user">{e.namedUser}</option>
              </select>
            </label>
            {"onDuty" in step.target ? (
              <label>
                {e.role}
                <select
                  name="role"
                  value={step.target.onDuty}
                  onChange={(ev) => change(i, { target: { onDuty: ev.currentTarget.value } })}
                >
                  {DUTY_ROLES.map((role) => (
                    <option key={role} value={role}>
                      {codeLabel(lang, "role", role)}
                    </option>
                  ))}
                </select>
              </label>
            ) : (
              <label>
                {e.user}
                <select
                  name="user"
                  value={step.target.user}
                  onChange={(ev) => change(i, { target: { user: ev.currentTarget.value } })}
                >
                  {users.map((user) => (
                    <option key={user.username} value={user.username}>
                      {user.displayName} ({user.username})
                    </option>
                  ))}
                </select>
              </label>
            )}
            <fieldset class="media">
              <legend>{e.via}</legend>
              {MEDIA.map((medium) => (
                <label key={medium} class="check" for={`${id}-${medium}`}>
                  <input
                    id={`${id}-${medium}`}
                    type="checkbox"
                    name="via"
                    value={medium}
                    checked={step.via.includes(medium)}
                    onChange={(ev) =>
                      change(i, {
                        via: ev.currentTarget.checked
                          ? MEDIA.filter((m) => m === medium || step.via.includes(m))
                          : step.via.filter((m) => m !== medium),
                      })
                    }
                  />
                  {codeLabel(lang, "medium", medium)}
                </label>
              ))}
            </fieldset>
            {steps.length > 1 ? (
              <button
                type="button"
                class="remove-step"
                onClick={() => setSteps((all) => all.filter((_, j) => j !== i))}
              >
                {e.removeStep}
              </button>
            ) : null}
          </fieldset>
        );
      })}
      <button
        type="button"
        data-testid="add-step"
        disabled={steps.length >= 20}
        onClick={() => setSteps((all) => [...all, blankStep(all[all.length - 1]?.afterMin ?? 0)])}
      >
        {e.addStep}
      </button>
      <label>
        {e.repeat}
        <input
          name="repeatEveryMin"
          type="number"
          inputMode="numeric"
          min={1}
          max={1440}
          value={repeat}
          onInput={(ev) => setRepeat(ev.currentTarget.value)}
        />
      </label>
      {orderWrong ? (
        <p class="error" role="alert">
          {e.stepsOrder}
        </p>
      ) : null}
      {failure ? <ErrorNote error={failure} /> : null}
      <div class="actions">
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            {e.cancel}
          </button>
        ) : null}
        <button type="submit" class="primary" disabled={busy}>
          {existing ? e.save : e.add}
        </button>
      </div>
    </form>
  );
}
