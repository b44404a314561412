import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { ConfirmButton } from "../../components/confirm.js";
import { ErrorNote } from "../../components/errors.js";
import { Async, useApi } from "../../components/use-api.js";
import { formatTime } from "../../dom.js";
import { ADMIN_TEXT } from "../../i18n/admin.js";
import { codeLabel } from "../../i18n/codes.js";
import { useSession } from "../../session.js";

interface Token {
  id: string;
  username: string;
  name: string;
  createdMs: number;
  expiresMs: number | null;
  lastUsedMs: number | null;
  state: "live" | "expired" | "revoked";
}

interface AuditRow {
  atMs: number;
  actor: string;
  action: string;
  target: string | null;
}

/** Every user's API tokens (revoke, confirmed) and the audit log. */
export function TokensAdmin() {
  const { lang } = useSession();
  const a = ADMIN_TEXT[lang];
  const tokens = useApi<{ items: Token[] }>("/api/admin/tokens");
  const audit = useApi<{ items: AuditRow[] }>("/api/audit?limit=100");
  const [failure, setFailure] = useState<unknown>(null);
  const stateLabel = { live: a.active, expired: a.expired, revoked: a.revoked };
  return (
    <>
      <h1>{a.tokens}</h1>
      {failure ? <ErrorNote error={failure} /> : null}
      <Async state={tokens}>
        {({ items }) =>
          items.length === 0 ? (
            <p class="muted">{a.noTokens}</p>
          ) : (
            <ul class="rows" data-testid="tokens">
              {items.map((token) => (
                <li key={token.id} data-token={token.id} class={token.state === "live" ? undefined : "off"}>
                  <div class="row-main">
                    <strong>{token.name}</strong>
                    <span>
                      {a.tokenOwner}: {token.username}
                    </span>
                    <span class="muted">
                      {a.created} {formatTime(token.createdMs, lang)} · {a.expires}{" "}
                      {formatTime(token.expiresMs, lang)} · {a.lastUsed}{" "}
                      {token.lastUsedMs ? formatTime(token.lastUsedMs, lang) : a.never}
                    </span>
                    <span class={token.state === "live" ? "state" : "state bad"}>
                      {stateLabel[token.state]}
                    </span>
                  </div>
                  {token.state === "live" ? (
                    <div class="row-actions">
                      <ConfirmButton
                        class="danger revoke"
                        label={a.revoke}
                        question={`${a.revokeTokenQ} (${token.name})`}
                        onConfirm={async () => {
                          setFailure(null);
                          await api("DELETE", `/api/admin/tokens/${encodeURIComponent(token.id)}`).catch(
                            setFailure,
                          );
                          tokens.reload();
                          audit.reload();
                        }}
                      />
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          )
        }
      </Async>
      <h2>{a.audit}</h2>
      <Async state={audit}>
        {({ items }) => (
          <ul class="rows compact" data-testid="audit">
            {items.map((row, index) => (
              <li key={`${row.atMs}-${index}`}>
                <span>{formatTime(row.atMs, lang)}</span>
                <span>{row.actor}</span>
                <span>{codeLabel(lang, "audit", row.action)}</span>
                <span class="muted">{row.target ?? ""}</span>
              </li>
            ))}
          </ul>
        )}
      </Async>
    </>
  );
}
