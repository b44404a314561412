import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { ConfirmButton } from "../../components/confirm.js";
import { ErrorNote } from "../../components/errors.js";
import { Async, useApi } from "../../components/use-api.js";
import { ADMIN_TEXT } from "../../i18n/admin.js";
import { codeLabel } from "../../i18n/codes.js";
import { useSession } from "../../session.js";
import type { HallView } from "../../types.js";
import type { ChannelRow } from "./channel-form.js";

interface Rule {
  id: string;
  name: string;
  hallId: string | null;
  roles: string[];
  minSeverity?: string;
  channelIds: string[];
}

const RULE_ROLES = ["duty_manager", "floor_staff", "maintenance", "security"];
const SEVERITIES = ["critical", "major", "minor", "warning", "operational"];

/** Routing rules: who hears about what, through which channels; add and delete (confirmed). */
export function RulesAdmin({ channels }: { channels: ChannelRow[] }) {
  const { lang } = useSession();
  const a = ADMIN_TEXT[lang];
  const rules = useApi<{ items: Rule[] }>("/api/notify/rules");
  const halls = useApi<{ items: HallView[] }>("/api/halls");
  const [failure, setFailure] = useState<unknown>(null);
  const [error, setError] = useState("");
  const channelName = (id: string) => channels.find((c) => c.id === id)?.name ?? id;
  const hallName = (id: string | null) =>
    id === null ? a.anyHall : (halls.data?.items.find((h) => h.id === id)?.name ?? id);
  return (
    <>
      <h2>{a.rules}</h2>
      {failure ? <ErrorNote error={failure} /> : null}
      <Async state={rules}>
        {({ items }) =>
          items.length === 0 ? (
            <p class="muted">{a.noRules}</p>
          ) : (
            <ul class="rows" data-testid="rules">
              {items.map((rule) => (
                <li key={rule.id} data-rule={rule.name}>
                  <div class="row-main">
                    <strong>{rule.name}</strong>
                    <span>
                      {hallName(rule.hallId)} · {rule.roles.map((r) => codeLabel(lang, "role", r)).join("、")}
                    </span>
                    <span>
                      ≥ {rule.minSeverity ? codeLabel(lang, "severity", rule.minSeverity) : a.defaultSeverity}{" "}
                      → {rule.channelIds.map(channelName).join("、")}
                    </span>
                  </div>
                  <div class="row-actions">
                    <ConfirmButton
                      label={a.deleteRule}
                      question={`${a.deleteRuleQ} (${rule.name})`}
                      onConfirm={async () => {
                        setFailure(null);
                        await api("DELETE", `/api/notify/rules/${encodeURIComponent(rule.id)}`).catch(
                          setFailure,
                        );
                        rules.reload();
                      }}
                    />
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </Async>
      {channels.length === 0 ? null : (
        <form
          class="stack admin-form"
          data-testid="rule-form"
          onSubmit={async (event) => {
            event.preventDefault();
            const form = event.currentTarget;
            const data = new FormData(form);
            const roles = data.getAll("ruleRole").map(String);
            const channelIds = data.getAll("ruleChannel").map(String);
            if (roles.length === 0) return setError(a.chooseRole);
            if (channelIds.length === 0) return setError(a.chooseChannel);
            const hallId = String(data.get("ruleHall") ?? "");
            const minSeverity = String(data.get("minSeverity") ?? "");
            setError("");
            setFailure(null);
            try {
              await api("POST", "/api/notify/rules", {
                name: String(data.get("ruleName") ?? ""),
                hallId: hallId || null,
                roles,
                channelIds,
                ...(minSeverity ? { minSeverity } : {}),
              });
              form.reset();
              rules.reload();
            } catch (err) {
              setFailure(err);
            }
          }}
        >
          <h3>{a.addRule}</h3>
          <label>
            {a.ruleName}
            <input name="ruleName" required maxLength={100} />
          </label>
          <label>
            {a.ruleHall}
            <select name="ruleHall">
              <option value="">{a.anyHall}</option>
              {(halls.data?.items ?? []).map((h) => (
                <option key={h.id} value={h.id}>
                  {h.name}
                </option>
              ))}
            </select>
          </label>
          <fieldset>
            <legend>{a.ruleRoles}</legend>
            {RULE_ROLES.map((role) => (
              <label key={role} class="check">
                <input type="checkbox" name="ruleRole" value={role} />
                {codeLabel(lang, "role", role)}
              </label>
            ))}
          </fieldset>
          <label>
            {a.minSeverity}
            <select name="minSeverity">
              <option value="">{a.defaultSeverity}</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {codeLabel(lang, "severity", s)}
                </option>
              ))}
            </select>
          </label>
          <fieldset>
            <legend>{a.ruleChannels}</legend>
            {channels.map((c) => (
              <label key={c.id} class="check">
                <input type="checkbox" name="ruleChannel" value={c.id} />
                {c.name}
              </label>
            ))}
          </fieldset>
          {error ? (
            <p class="error" role="alert">
              {error}
            </p>
          ) : null}
          <button type="submit" class="primary">
            {a.addRule}
          </button>
        </form>
      )}
    </>
  );
}
