export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly httpStatus: number | null = null,
  ) {
    super(message);
    this.name = "DeliveryError";
  }
}

/** POSTs JSON with a timeout; a non-2xx answer is a failure. Returns the parsed JSON answer (or null). */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 5000,
): Promise<unknown> {
  let response: Response;
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: raw,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new DeliveryError(`request failed: ${(err as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok)
    throw new DeliveryError(`HTTP ${response.status}: ${text.slice(0, 200)}`, response.status);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
