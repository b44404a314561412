import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { ConfirmButton } from "../../components/confirm.js";
import { Drawer } from "../../components/drawer.js";
import { ErrorNote } from "../../components/errors.js";
import { useAction } from "../../components/use-action.js";
import { Async, useApi } from "../../components/use-api.js";
import { ADMIN_TEXT } from "../../i18n/admin.js";
import { codeLabel } from "../../i18n/codes.js";
import { useSession } from "../../session.js";
import type { HallView } from "../../types.js";
import { UserForm, type UserRow } from "./user-form.js";

/** Users: the list with edit, disable/enable and password reset (the one-time password shown once), and a form to add one. */
export function UsersAdmin() {
  const { lang, user: me } = useSession();
  const a = ADMIN_TEXT[lang];
  const users = useApi<{ items: UserRow[] }>("/api/users");
  const halls = useApi<{ items: HallView[] }>("/api/halls");
  const [editing, setEditing] = useState<UserRow | null>(null);
  const [oneTime, setOneTime] = useState<{ username: string; password: string } | null>(null);
  const { failure, act } = useAction(() => users.reload());
  const hallName = (id: string) => halls.data?.items.find((h) => h.id === id)?.name ?? id;
  return (
    <Async state={halls}>
      {(hallList) => (
        <>
          <h1>{a.tabUsers}</h1>
          {failure ? <ErrorNote error={failure} /> : null}
          {oneTime ? (
            <div class="secret" data-testid="one-time-password" role="status">
              <p>
                {a.oneTimePassword} <strong>{oneTime.username}</strong>
              </p>
              <code>{oneTime.password}</code>
            </div>
          ) : null}
          <Async state={users}>
            {({ items }) => (
              <ul class="rows" data-testid="users">
                {items.map((u) => (
                  <li key={u.username} data-user={u.username} class={u.disabled ? "off" : undefined}>
                    <div class="row-main">
                      <strong>{u.displayName}</strong>
                      <span class="muted">
                        {u.username}
                        {u.username === me.username ? a.you : ""}
                      </span>
                      <span>{u.roles.map((r) => codeLabel(lang, "role", r)).join("、")}</span>
                      <span>{u.halls.includes("*") ? a.allHalls : u.halls.map(hallName).join("、")}</span>
                      <span class={u.disabled ? "state bad" : "state"}>
                        {u.disabled ? a.disabled : a.active} · {u.language === "zh" ? a.langZh : a.langEn}
                      </span>
                    </div>
                    <div class="row-actions">
                      <button type="button" class="edit" onClick={() => setEditing(u)}>
                        {a.edit}
                      </button>
                      {u.username === me.username ? null : u.disabled ? (
                        <button
                          type="button"
                          class="enable"
                          onClick={() =>
                            act(() => api("POST", `/api/users/${encodeURIComponent(u.username)}/enable`))
                          }
                        >
                          {a.enable}
                        </button>
                      ) : (
                        <ConfirmButton
                          class="danger disable"
                          label={a.disable}
                          question={`${a.disableUserQ} (${u.displayName})`}
                          onConfirm={() =>
                            act(() => api("POST", `/api/users/${encodeURIComponent(u.username)}/disable`))
                          }
                        />
                      )}
                      {u.username === me.username ? null : (
                        <ConfirmButton
                          class="danger reset"
                          label={a.resetPassword}
                          question={`${a.resetPasswordQ} (${u.displayName})`}
                          onConfirm={() =>
                            act(async () => {
                              const r = await api<{ password?: string }>(
                                "POST",
                                `/api/users/${encodeURIComponent(u.username)}/password`,
                                {},
                              );
                              if (r.password) setOneTime({ username: u.username, password: r.password });
                            })
                          }
                        />
                      )}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Async>
          <h2>{a.addUser}</h2>
          <UserForm halls={hallList.items} onSaved={() => users.reload()} />
          {editing ? (
            <Drawer title={`${a.editUser}: ${editing.displayName}`} onClose={() => setEditing(null)}>
              <UserForm
                halls={hallList.items}
                existing={editing}
                onSaved={() => {
                  setEditing(null);
                  users.reload();
                }}
              />
            </Drawer>
          ) : null}
        </>
      )}
    </Async>
  );
}
