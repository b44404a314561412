import { ChannelError } from "./channel.js";
import { type JsonAnswer, postJson } from "./http.js";

/** GETs a JSON answer with a timeout (the URL, which carries credentials, never goes into an error). */
export async function getJson(url: string, timeoutMs: number): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const name = (err as Error).name;
    if (name === "TimeoutError" || name === "AbortError")
      throw new ChannelError("timeout", `no answer within ${timeoutMs} ms`);
    throw new ChannelError("network", "request failed");
  }
  const text = await response.text().catch(() => "");
  if (!response.ok) throw new ChannelError("http_status", `HTTP ${response.status}`, response.status);
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ChannelError("bad_answer", "answer is not JSON", response.status);
  }
}

/**
 * Access tokens of app APIs (WeCom, DingTalk), cached per app until shortly before `expires_in` on the
 * sender's clock, shared by every sender built for that app.
 */
export class AccessTokens {
  private readonly tokens = new Map<string, { token: string; untilMs: number }>();

  async get(appKey: string, nowMs: number, fetchToken: () => Promise<{ token: string; expiresInS: number }>) {
    const cached = this.tokens.get(appKey);
    if (cached && cached.untilMs > nowMs) return cached.token;
    const fresh = await fetchToken();
    // A margin so a token is never used in its last minutes.
    this.tokens.set(appKey, {
      token: fresh.token,
      untilMs: nowMs + Math.max(0, fresh.expiresInS - 300) * 1000,
    });
    return fresh.token;
  }

  forget(appKey: string): void {
    this.tokens.delete(appKey);
  }
}

/** WeCom and DingTalk answer errcode 40014 (invalid) or 42001 (expired) for a token to fetch again. */
export const TOKEN_ERRORS = new Set([40014, 42001]);

/** Fetches an app's access token from its gettoken URL (WeCom and DingTalk answer alike); `app` names it in errors. */
export async function fetchAccessToken(
  app: string,
  url: string,
  timeoutMs: number,
): Promise<{ token: string; expiresInS: number }> {
  const body = await getJson(url, timeoutMs);
  if (body.errcode !== 0 || typeof body.access_token !== "string")
    throw new ChannelError(
      "robot_error",
      `${app} gettoken errcode ${String(body.errcode)}: ${String(body.errmsg ?? "")}`.slice(0, 300),
      200,
    );
  return { token: body.access_token, expiresInS: Number(body.expires_in ?? 7200) };
}

/**
 * POSTs with the app's access token in the query; a token the API calls invalid or expired is fetched again once.
 */
export async function postWithToken(
  tokens: AccessTokens,
  appKey: string,
  token: () => Promise<string>,
  url: (token: string) => string,
  body: string,
  timeoutMs: number,
): Promise<JsonAnswer> {
  for (let attempt = 0; ; attempt++) {
    const answer = await postJson(url(await token()), body, timeoutMs);
    const errcode = (answer.json as { errcode?: number } | null)?.errcode;
    if (attempt === 0 && errcode !== undefined && TOKEN_ERRORS.has(errcode)) {
      tokens.forget(appKey);
      continue;
    }
    return answer;
  }
}
