import { ApiFailure } from "../api.js";
import { ERROR_TEXT, type ErrorCode } from "../i18n/errors.js";
import type { Lang } from "../i18n.js";
import { useSession } from "../session.js";

/**
 * An error in the reader's language. The server's code picks the sentence (its English message is for API users);
 * a failed fetch becomes "cannot reach the server", never the browser's raw "Failed to fetch". Details the
 * server lists (e.g. each bad CSV line) are shown under it as they came.
 */
export function errorMessage(err: unknown, lang: Lang): string {
  const text = ERROR_TEXT[lang];
  if (err instanceof ApiFailure) return text[(err.code in text ? err.code : "unknown") as ErrorCode];
  if (err instanceof TypeError) return text.network;
  return text.unknown;
}

export function ErrorNote({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { lang, t } = useSession();
  const details = error instanceof ApiFailure ? error.details : null;
  return (
    <div class="error" role="alert">
      <p>{errorMessage(error, lang)}</p>
      {details && details.length > 0 ? (
        <ul>
          {details.map((detail) => (
            <li key={detail}>{detail}</li>
          ))}
        </ul>
      ) : null}
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          {t.retry}
        </button>
      ) : null}
    </div>
  );
}
