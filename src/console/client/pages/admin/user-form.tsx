import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { errorMessage } from "../../components/errors.js";
import { ADMIN_TEXT } from "../../i18n/admin.js";
import { codeLabel } from "../../i18n/codes.js";
import { useSession } from "../../session.js";
import { passwordError } from "../account.js";

export const ROLES = ["duty_manager", "floor_staff", "maintenance", "security", "admin"] as const;

export interface UserRow {
  username: string;
  displayName: string;
  roles: string[];
  halls: string[];
  language: "zh" | "en";
  disabled: boolean;
  mustChangePassword?: boolean;
}

/**
 * Adds a user (with `existing` absent) or edits one. The hall scope is what the admin ticks: nothing is ticked
 * at first, and "every hall" is a box of its own, so a user never gets every hall by default.
 */
export function UserForm({
  halls,
  existing,
  onSaved,
}: {
  halls: { id: string; name: string }[];
  existing?: UserRow;
  onSaved: (user: UserRow) => void;
}) {
  const { lang } = useSession();
  const a = ADMIN_TEXT[lang];
  const [allHalls, setAllHalls] = useState(existing?.halls.includes("*") ?? false);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const prefix = existing ? `edit-${existing.username}` : "new-user";
  return (
    <form
      class="stack admin-form"
      data-testid={existing ? "user-edit" : "user-form"}
      onSubmit={async (event) => {
        event.preventDefault();
        const form = event.currentTarget;
        const data = new FormData(form);
        const roles = data.getAll("role").map(String);
        const chosenHalls = allHalls ? ["*"] : data.getAll("hall").map(String);
        if (roles.length === 0) return setError(a.chooseRole);
        if (chosenHalls.length === 0) return setError(a.chooseHall);
        const common = {
          displayName: String(data.get("displayName") ?? ""),
          roles,
          halls: chosenHalls,
          language: String(data.get("language") ?? "zh"),
        };
        setBusy(true);
        setError("");
        try {
          const saved = existing
            ? await api<UserRow>("PUT", `/api/users/${encodeURIComponent(existing.username)}`, common)
            : await api<UserRow>("POST", "/api/users", {
                ...common,
                username: String(data.get("username") ?? ""),
                password: String(data.get("password") ?? ""),
                mustChangePassword: data.get("mustChange") === "on",
              });
          if (!existing) {
            form.reset();
            setAllHalls(false);
          }
          onSaved(saved);
        } catch (err) {
          setError(existing ? errorMessage(err, lang) : passwordError(err, lang));
        } finally {
          setBusy(false);
        }
      }}
    >
      {existing ? null : (
        <>
          <label>
            {a.username}
            <input
              name="username"
              required
              pattern="[a-z0-9][a-z0-9._\-]{1,63}"
              autocomplete="off"
              aria-describedby={`${prefix}-username-hint`}
            />
          </label>
          <p id={`${prefix}-username-hint`} class="hint">
            {a.usernameHint}
          </p>
        </>
      )}
      <label>
        {a.displayName}
        <input name="displayName" required maxLength={128} defaultValue={existing?.displayName} />
      </label>
      {existing ? null : (
        <>
          <label>
            {a.initialPassword}
            <input
              name="password"
              type="password"
              required
              autocomplete="new-password"
              aria-describedby={`${prefix}-password-hint`}
            />
          </label>
          <p id={`${prefix}-password-hint`} class="hint">
            {a.passwordHint}
          </p>
        </>
      )}
      <fieldset>
        <legend>{a.roles}</legend>
        {ROLES.map((role) => (
          <label key={role} class="check">
            <input type="checkbox" name="role" value={role} defaultChecked={existing?.roles.includes(role)} />
            {codeLabel(lang, "role", role)}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{a.halls}</legend>
        <label class="check">
          <input
            type="checkbox"
            name="allHalls"
            checked={allHalls}
            onChange={(event) => setAllHalls(event.currentTarget.checked)}
          />
          {a.allHalls}
        </label>
        {halls.map((hall) => (
          <label key={hall.id} class="check">
            <input
              type="checkbox"
              name="hall"
              value={hall.id}
              disabled={allHalls}
              defaultChecked={existing?.halls.includes(hall.id)}
            />
            {hall.name}
          </label>
        ))}
      </fieldset>
      <label>
        {a.language}
        <select name="language">
          {(["zh", "en"] as const).map((code) => (
            <option key={code} value={code} selected={(existing?.language ?? lang) === code}>
              {code === "zh" ? a.langZh : a.langEn}
            </option>
          ))}
        </select>
      </label>
      {existing ? null : (
        <label class="check">
          <input type="checkbox" name="mustChange" defaultChecked />
          {a.mustChangeAtSignIn}
        </label>
      )}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" class="primary" disabled={busy}>
        {existing ? a.save : a.addUser}
      </button>
    </form>
  );
}
