import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { ErrorNote } from "../../components/errors.js";
import { ADMIN_TEXT } from "../../i18n/admin.js";
import { SILENCE_TEXT } from "../../i18n/silences.js";
import { useSession } from "../../session.js";

/** Adds a hall (or renames one by its id). */
export function HallForm({ onSaved }: { onSaved: () => void }) {
  const { lang } = useSession();
  const a = ADMIN_TEXT[lang];
  const [failure, setFailure] = useState<unknown>(null);
  return (
    <>
      <h2>{a.addHall}</h2>
      <form
        class="stack admin-form"
        data-testid="hall-form"
        onSubmit={async (event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const data = new FormData(form);
          setFailure(null);
          try {
            const region = String(data.get("region") ?? "").trim();
            await api("POST", "/api/halls", {
              id: String(data.get("hallId") ?? ""),
              name: String(data.get("hallName") ?? ""),
              timeZone: String(data.get("timeZone") ?? "Asia/Shanghai"),
              // Empty keeps the region a hall already has (renaming by id does not clear it).
              ...(region ? { region } : {}),
            });
            form.reset();
            onSaved();
          } catch (err) {
            setFailure(err);
          }
        }}
      >
        <label>
          {a.hallId}
          <input name="hallId" required placeholder="north-1" autocomplete="off" />
        </label>
        <label>
          {a.hallName}
          <input name="hallName" required maxLength={128} />
        </label>
        <label>
          {a.timeZone}
          <input name="timeZone" defaultValue="Asia/Shanghai" required />
        </label>
        <label>
          {SILENCE_TEXT[lang].region}
          <input name="region" maxLength={64} placeholder={SILENCE_TEXT[lang].regionHint} />
        </label>
        {failure ? <ErrorNote error={failure} /> : null}
        <button type="submit" class="primary">
          {a.addHall}
        </button>
      </form>
    </>
  );
}
