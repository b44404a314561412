import { useState } from "preact/hooks";
import { ApiFailure, api } from "../api.js";
import { errorMessage } from "../components/errors.js";
import { ADMIN_TEXT, PASSWORD_RULES } from "../i18n/admin.js";
import type { Lang } from "../i18n.js";
import { useSession } from "../session.js";
import { MyContacts } from "./account/contacts.js";

/** A refused password in the reader's language: the policy's rule when the server named one. */
export function passwordError(err: unknown, lang: Lang): string {
  if (err instanceof ApiFailure && err.code === "weak_password") {
    const rule = (err.info as { rule?: string } | null)?.rule;
    if (rule && PASSWORD_RULES[lang][rule]) return PASSWORD_RULES[lang][rule] as string;
  }
  if (err instanceof ApiFailure && err.code === "unauthenticated") return ADMIN_TEXT[lang].currentWrong;
  return errorMessage(err, lang);
}

/** Every user's own account: their password. A one-time password leads here right after sign-in. */
export function Account() {
  const { lang, user, signOut } = useSession();
  const a = ADMIN_TEXT[lang];
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  if (done)
    return (
      <section class="account">
        <h1>{a.account}</h1>
        <p class="notice" role="status" data-testid="password-changed">
          {a.passwordChanged}
        </p>
        <button type="button" class="primary" data-testid="sign-in-again" onClick={() => void signOut()}>
          {a.signInAgain}
        </button>
      </section>
    );
  return (
    <section class="account">
      <h1>{a.account}</h1>
      <p class="muted">
        {user.displayName} · {user.username}
      </p>
      {user.mustChangePassword ? (
        <p class="notice" role="alert" data-testid="must-change">
          {a.mustChange}
        </p>
      ) : null}
      <form
        class="stack"
        data-testid="password-form"
        onSubmit={async (event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          const next = String(form.get("next") ?? "");
          if (next !== String(form.get("confirm") ?? "")) {
            setError(a.passwordsDiffer);
            return;
          }
          setBusy(true);
          setError("");
          try {
            await api("POST", "/api/auth/password", { current: String(form.get("current") ?? ""), next });
            setDone(true);
          } catch (err) {
            setError(passwordError(err, lang));
          } finally {
            setBusy(false);
          }
        }}
      >
        <h2>{a.changePassword}</h2>
        <label>
          {a.currentPassword}
          <input name="current" type="password" autocomplete="current-password" required />
        </label>
        <label>
          {a.newPassword}
          <input
            name="next"
            type="password"
            autocomplete="new-password"
            required
            aria-describedby="password-hint"
          />
        </label>
        <p id="password-hint" class="hint">
          {a.passwordHint}
        </p>
        <label>
          {a.confirmPassword}
          <input name="confirm" type="password" autocomplete="new-password" required />
        </label>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={busy}>
          {a.savePassword}
        </button>
      </form>
      <MyContacts />
    </section>
  );
}
