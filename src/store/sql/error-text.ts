/** An error's text for an operator: node-postgres reports a refused connection with an empty message and a code. */
export function errorMessage(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === "string" && e.message !== "" ? e.message : String(err);
  return typeof e?.code === "string" && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}

/** A connection string in an error's text, with its password left out: details are shown in health and alerts. */
export function redactUrls(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@]*@/gi, "$1:***@");
}
