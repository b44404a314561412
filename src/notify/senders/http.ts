import { ChannelError } from "./channel.js";

export interface JsonAnswer {
  httpStatus: number;
  json: unknown;
}

/**
 * POSTs a JSON body (given raw, so a signature over it stays exact) with a timeout. A non-2xx answer is a
 * failure. The URL never goes into an error message: robot URLs carry their access token.
 */
export async function postJson(
  url: string,
  rawBody: string,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", ...headers },
      body: rawBody,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const name = (err as Error).name;
    if (name === "TimeoutError" || name === "AbortError")
      throw new ChannelError("timeout", `no answer within ${timeoutMs} ms`);
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new ChannelError("network", `request failed${cause ? `: ${cause}` : ""}`);
  }
  const text = await response.text().catch(() => "");
  if (!response.ok)
    throw new ChannelError("http_status", `HTTP ${response.status}: ${text.slice(0, 200)}`, response.status);
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { httpStatus: response.status, json };
}

/** Robots answer HTTP 200 with an error code in the body; anything but 0 is a failure. */
export function checkRobotAnswer(
  robot: string,
  answer: JsonAnswer,
  codeField: "errcode" | "code",
  messageField: "errmsg" | "msg",
): void {
  const body = answer.json as Record<string, unknown> | null;
  if (body === null || typeof body !== "object")
    throw new ChannelError("bad_answer", `${robot}: answer is not JSON`, answer.httpStatus);
  const code = body[codeField];
  if (code !== undefined && code !== 0)
    throw new ChannelError(
      "robot_error",
      `${robot} ${codeField} ${String(code)}: ${String(body[messageField] ?? "")}`.slice(0, 300),
      answer.httpStatus,
    );
}
