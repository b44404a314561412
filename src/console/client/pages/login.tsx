import { useState } from "preact/hooks";
import { ApiFailure, api, setCsrf } from "../api.js";
import { type Lang, TEXT } from "../i18n.js";
import type { User } from "../types.js";

export function Login({
  lang,
  setLang,
  onSignedIn,
}: {
  lang: Lang;
  setLang: (lang: Lang) => void;
  onSignedIn: (user: User) => void;
}) {
  const t = TEXT[lang];
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  return (
    <main id="main">
      <form
        class="login"
        onSubmit={async (event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          setBusy(true);
          try {
            const result = await api<{ user: User; csrfToken: string }>("POST", "/api/auth/login", {
              username: String(form.get("username") ?? ""),
              password: String(form.get("password") ?? ""),
            });
            setCsrf(result.csrfToken);
            // A QR label's link (#/inspect/…) survives the sign-in.
            if (!location.hash || location.hash === "#/" || location.hash === "#") location.hash = "#/board";
            onSignedIn(result.user);
          } catch (err) {
            setError(
              err instanceof ApiFailure && err.status === 429
                ? t.locked
                : err instanceof ApiFailure
                  ? t.wrongPassword
                  : t.cannotReach,
            );
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1>{t.title}</h1>
        <label>
          {t.username}
          <input name="username" autocomplete="username" required />
        </label>
        <label>
          {t.password}
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <button type="submit" disabled={busy}>
          {t.signIn}
        </button>
        <p class="error" role="alert">
          {error}
        </p>
        <button type="button" class="link" onClick={() => setLang(lang === "zh" ? "en" : "zh")}>
          {t.language}
        </button>
      </form>
    </main>
  );
}
