import { ApiFailure } from "../../api.js";
import { errorMessage } from "../../components/errors.js";
import { ROSTER_TEXT } from "../../i18n/roster.js";
import { useSession } from "../../session.js";

/** A failed roster change in words: overlapping shifts and unknown people by name, never the server's English. */
export function RosterError({ error }: { error: unknown }) {
  const { lang } = useSession();
  const text = ROSTER_TEXT[lang];
  const info = error instanceof ApiFailure && Array.isArray(error.info) ? error.info : [];
  const lines = (info as { path?: string; message?: string }[]).map(({ path = "", message = "" }) => {
    const parts = path.split(/[./]/).filter(Boolean);
    if (parts[0] === "shifts" && parts.length === 2 && message.includes("overlaps"))
      return text.overlapProblem.replace("{n}", String(Number(parts[1]) + 1));
    if (message.startsWith("no user ")) return text.unknownUserProblem.replace("{name}", message.slice(8));
    return text.fieldProblem.replace("{path}", parts.join("."));
  });
  return (
    <div class="error" role="alert">
      <p>{errorMessage(error, lang)}</p>
      {lines.length > 0 ? (
        <ul>
          {lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
