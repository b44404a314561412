import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const DEVICE_COOKIE = "hallwatch_device";
export const DEVICE_COOKIE_MAX_AGE_MS = 365 * 86_400_000;

interface DevicePayload {
  /** user name, lower case */
  u: string;
  /** the device's random id */
  d: string;
  /** issued at, epoch ms */
  t: number;
}

/**
 * OWASP's "device cookies": a signed, long-lived cookie set at a successful sign-in, naming the user and a
 * random device id. A sign-in that carries a valid one for the same user is throttled by that device instead
 * of by its address, so guessing from the owner's address (a shared NAT, a proxy) does not slow the owner.
 */
export class DeviceCookies {
  constructor(
    private readonly key: Buffer,
    private readonly maxAgeMs = DEVICE_COOKIE_MAX_AGE_MS,
  ) {}

  issue(username: string, nowMs: number, deviceId = randomBytes(16).toString("base64url")): string {
    const payload = Buffer.from(
      JSON.stringify({ u: username.toLowerCase(), d: deviceId, t: nowMs }),
    ).toString("base64url");
    return `${payload}.${this.sign(payload)}`;
  }

  /** The device id when the cookie is genuine, unexpired and for this user; null otherwise. */
  deviceOf(cookie: string | undefined, username: string, nowMs: number): string | null {
    if (!cookie) return null;
    const dot = cookie.indexOf(".");
    if (dot <= 0) return null;
    const payload = cookie.slice(0, dot);
    const given = Buffer.from(cookie.slice(dot + 1), "base64url");
    const expected = Buffer.from(this.sign(payload), "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as DevicePayload;
      if (parsed.u !== username.toLowerCase() || typeof parsed.d !== "string") return null;
      if (!(nowMs - parsed.t < this.maxAgeMs)) return null;
      return parsed.d;
    } catch {
      return null;
    }
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url");
  }
}
