import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { ConfirmButton } from "../../components/confirm.js";
import { ErrorNote } from "../../components/errors.js";
import { useAction } from "../../components/use-action.js";
import { Async, useApi } from "../../components/use-api.js";
import { formatTime } from "../../dom.js";
import { ADMIN_TEXT } from "../../i18n/admin.js";
import { useSession } from "../../session.js";
import type { HallView } from "../../types.js";
import { DevicesAdmin } from "./devices.js";
import { HallForm } from "./hall-form.js";

interface ProvisionedAgent {
  agentId: string;
  hallId: string;
  name: string | null;
  createdMs: number;
  rotatedMs: number | null;
  revokedMs: number | null;
}

/** Halls, agent credentials (provision, rotate, revoke; a secret is shown once) and the devices' names and zones. */
export function AgentsAdmin() {
  const { lang } = useSession();
  const a = ADMIN_TEXT[lang];
  const halls = useApi<{ items: HallView[] }>("/api/halls");
  const agents = useApi<{ items: ProvisionedAgent[] }>("/api/admin/agents");
  const [secret, setSecret] = useState<{ agentId: string; secret: string } | null>(null);
  const { failure, act } = useAction(() => agents.reload());
  const hallName = (id: string) => halls.data?.items.find((h) => h.id === id)?.name ?? id;
  return (
    <Async state={halls}>
      {(hallList) => (
        <>
          <h1>{a.agents}</h1>
          {failure ? <ErrorNote error={failure} /> : null}
          {secret ? (
            <div class="secret" data-testid="secret" role="status">
              <p>{a.secretOnce}</p>
              <code>{`${secret.agentId}  ${secret.secret}`}</code>
            </div>
          ) : null}
          <Async state={agents}>
            {({ items }) =>
              items.length === 0 ? (
                <p class="muted">{a.noAgents}</p>
              ) : (
                <ul class="rows" data-testid="agents">
                  {items.map((agent) => (
                    <li
                      key={agent.agentId}
                      data-agent={agent.agentId}
                      class={agent.revokedMs ? "off" : undefined}
                    >
                      <div class="row-main">
                        <strong>{agent.agentId}</strong>
                        <span>
                          {hallName(agent.hallId)}
                          {agent.name ? ` · ${agent.name}` : ""}
                        </span>
                        <span class={agent.revokedMs ? "state bad" : "state"}>
                          {agent.revokedMs
                            ? `${a.revoked} ${formatTime(agent.revokedMs, lang)}`
                            : agent.rotatedMs
                              ? `${a.rotatedAt} ${formatTime(agent.rotatedMs, lang)}`
                              : `${a.since} ${formatTime(agent.createdMs, lang)}`}
                        </span>
                      </div>
                      {agent.revokedMs ? null : (
                        <div class="row-actions">
                          <ConfirmButton
                            class="danger rotate"
                            label={a.rotate}
                            question={`${a.rotateQ} (${agent.agentId})`}
                            onConfirm={() =>
                              act(async () =>
                                setSecret(
                                  await api<{ agentId: string; secret: string }>(
                                    "POST",
                                    `/api/admin/agents/${encodeURIComponent(agent.agentId)}/rotate`,
                                  ),
                                ),
                              )
                            }
                          />
                          <ConfirmButton
                            class="danger revoke"
                            label={a.revoke}
                            question={`${a.revokeQ} (${agent.agentId})`}
                            onConfirm={() =>
                              act(() =>
                                api("POST", `/api/admin/agents/${encodeURIComponent(agent.agentId)}/revoke`),
                              )
                            }
                          />
                        </div>
                      )}
                    </li>
                  ))}
                </ul>
              )
            }
          </Async>
          <h2>{a.provision}</h2>
          <form
            class="stack admin-form"
            data-testid="agent-form"
            onSubmit={(event) => {
              event.preventDefault();
              const form = event.currentTarget;
              const data = new FormData(form);
              const name = String(data.get("agentName") ?? "").trim();
              void act(async () => {
                const r = await api<{ agentId: string; secret: string }>("POST", "/api/admin/agents", {
                  agentId: String(data.get("agentId") ?? ""),
                  hallId: String(data.get("agentHall") ?? ""),
                  ...(name ? { name } : {}),
                });
                setSecret(r);
                form.reset();
              });
            }}
          >
            <label>
              {a.agentId}
              <input name="agentId" required placeholder="north-1-kiosk-1" autocomplete="off" />
            </label>
            <label>
              {a.hall}
              <select name="agentHall" required>
                {hallList.items.map((h) => (
                  <option key={h.id} value={h.id}>
                    {h.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {a.agentName}
              <input name="agentName" maxLength={128} />
            </label>
            <button type="submit" class="primary">
              {a.provision}
            </button>
          </form>
          <DevicesAdmin halls={hallList.items} />
          <HallForm onSaved={halls.reload} />
        </>
      )}
    </Async>
  );
}
