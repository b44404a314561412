import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { ConfirmButton } from "../../components/confirm.js";
import { ErrorNote } from "../../components/errors.js";
import { useAction } from "../../components/use-action.js";
import { Async, useApi } from "../../components/use-api.js";
import { codeLabel } from "../../i18n/codes.js";
import { ESCALATION_TEXT } from "../../i18n/escalation.js";
import { useSession } from "../../session.js";
import type { HallView } from "../../types.js";
import { ChainForm, type UserChoice } from "./chain-form.js";
import { type Chain, stepWords } from "./escalation-words.js";

/** The escalation chains (one per severity and hall), each in words, with add, edit and delete (confirmed). */
export function EscalationAdmin() {
  const { lang } = useSession();
  const e = ESCALATION_TEXT[lang];
  const chains = useApi<{ items: Chain[] }>("/api/escalation-chains");
  const halls = useApi<{ items: HallView[] }>("/api/halls");
  const users = useApi<{ items: UserChoice[] }>("/api/users");
  const [editing, setEditing] = useState<string | null>(null);
  const { failure, act } = useAction(() => chains.reload());
  return (
    <>
      <h1>{e.title}</h1>
      <p class="muted">{e.intro}</p>
      {failure ? <ErrorNote error={failure} /> : null}
      <Async state={halls}>
        {(hallList) => (
          <Async state={users}>
            {(userList) => {
              const hallName = (id: string | null) =>
                id === null ? e.everyHall : (hallList.items.find((h) => h.id === id)?.name ?? id);
              const userName = (username: string) =>
                userList.items.find((u) => u.username === username)?.displayName ?? username;
              return (
                <>
                  <Async state={chains}>
                    {({ items }) =>
                      items.length === 0 ? (
                        <p class="muted">{e.none}</p>
                      ) : (
                        <ul class="rows chains" data-testid="chains">
                          {items.map((chain) => (
                            <li key={chain.id} data-chain={chain.id}>
                              <div class="row-main">
                                <strong>
                                  {codeLabel(lang, "severity", chain.severity)} · {hallName(chain.hallId)}
                                </strong>
                                <ol class="chain-steps">
                                  {chain.steps.map((step, i) => (
                                    <li key={i}>{stepWords(lang, step, userName)}</li>
                                  ))}
                                </ol>
                                <span class="muted">
                                  {chain.repeatEveryMin
                                    ? e.repeatEvery.replace("{n}", String(chain.repeatEveryMin))
                                    : e.runsOnce}
                                </span>
                              </div>
                              <div class="row-actions">
                                <button type="button" class="edit" onClick={() => setEditing(chain.id)}>
                                  {e.edit}
                                </button>
                                <ConfirmButton
                                  label={e.remove}
                                  question={`${e.removeQ} (${codeLabel(lang, "severity", chain.severity)} · ${hallName(chain.hallId)})`}
                                  onConfirm={() =>
                                    act(() =>
                                      api("DELETE", `/api/escalation-chains/${encodeURIComponent(chain.id)}`),
                                    )
                                  }
                                />
                              </div>
                              {editing === chain.id ? (
                                <ChainForm
                                  key={`edit-${chain.id}`}
                                  existing={chain}
                                  halls={hallList.items}
                                  users={userList.items}
                                  onSaved={() => {
                                    setEditing(null);
                                    chains.reload();
                                  }}
                                  onCancel={() => setEditing(null)}
                                />
                              ) : null}
                            </li>
                          ))}
                        </ul>
                      )
                    }
                  </Async>
                  <h2>{e.add}</h2>
                  <ChainForm halls={hallList.items} users={userList.items} onSaved={() => chains.reload()} />
                </>
              );
            }}
          </Async>
        )}
      </Async>
    </>
  );
}
