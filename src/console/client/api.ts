/**
 * Talks to the Hallwatch API with the session cookie; every state change carries the CSRF token.
 *
 * Convention (checked by test/console/openapi-client.test.ts against the server's /api/openapi.json): every call
 * site writes its method as a string and its path as a string or template literal that starts with /api/, right
 * in the call to api() or useApi(), e.g. api with POST and the template /api/halls/${id}/maintenance-windows, or
 * useApi(cond ? template : null). A path built elsewhere and passed in a variable fails that test; `${…}` as a
 * whole segment is read as a path parameter, and a query string after `?` is ignored.
 */
let csrfToken = "";

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The API's list of problems (e.g. every bad line of a CSV), when it sent one. */
    readonly details: string[] | null = null,
    /** The API's details as sent, e.g. `{ rule }` of a weak password. */
    readonly info: unknown = null,
  ) {
    super(message);
  }
}

export function setCsrf(token: string | null | undefined): void {
  csrfToken = token ?? "";
}

export async function api<T>(
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET") headers["x-csrf-token"] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await response.json().catch(() => ({}))) as {
    error?: { code: string; message: string; details?: unknown };
  };
  if (!response.ok)
    throw new ApiFailure(
      response.status,
      json.error?.code ?? "error",
      json.error?.message ?? response.statusText,
      Array.isArray(json.error?.details)
        ? json.error.details.map((d) => (typeof d === "string" ? d : JSON.stringify(d)))
        : null,
      json.error?.details ?? null,
    );
  return json as T;
}
