/** Talks to the Hallwatch API with the session cookie; every state change carries the CSRF token. */
let csrfToken = "";

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function setCsrf(token: string | null | undefined): void {
  csrfToken = token ?? "";
}

export async function api<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET") headers["x-csrf-token"] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!response.ok)
    throw new ApiFailure(
      response.status,
      json.error?.code ?? "error",
      json.error?.message ?? response.statusText,
    );
  return json as T;
}
