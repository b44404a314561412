import { describe, expect, it } from "vitest";
import { LoginThrottle } from "../../src/auth/login-throttle.js";
import { ConfigError, loadConfig, parseConfig } from "../../src/config/config.js";

describe("login throttle bookkeeping", () => {
  const policy = {
    freeFailures: 3,
    baseDelayMs: 1_000,
    maxDelayMs: 60_000,
    forgetAfterMs: 3_600_000,
    maxPairs: 1_000,
  };

  it("doubles the wait after the free failures, caps it, and forgets a quiet pair", () => {
    const throttle = new LoginThrottle(policy);
    const pair = LoginThrottle.pairKey("Admin", "ip:203.0.113.9");
    const t = 1_000_000;
    const waits = Array.from({ length: 10 }, (_, i) => throttle.fail(pair, (i + 1) * 100_000));
    expect(waits).toEqual([0, 0, 0, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000]);
    expect(throttle.retryAfterMs(LoginThrottle.pairKey("admin", "ip:203.0.113.9"), t)).toBe(60_000);
    expect(throttle.retryAfterMs(pair, t + 60_000)).toBe(0);
    expect(throttle.fail(pair, t + 3_600_000)).toBe(0);
  });

  it("keeps memory bounded under a spray of user names", () => {
    const throttle = new LoginThrottle(policy);
    for (let i = 0; i < 5_000; i++) throttle.fail(LoginThrottle.pairKey(`user-${i}`, "ip:198.51.100.1"), i);
    expect(throttle.size).toBeLessThanOrEqual(1_000);
  });
});

describe("security configuration from the environment", () => {
  it("reads the proxy to trust and the secret key, and refuses timeouts that cannot work", () => {
    const config = loadConfig({
      HALLWATCH_TRUST_PROXY: "10.0.0.0/8,127.0.0.1",
      HALLWATCH_SECRET_KEY: "a2V5",
    });
    expect(config.http.trustProxy).toBe("10.0.0.0/8,127.0.0.1");
    expect(config.secretKey).toBe("a2V5");
    expect(loadConfig({ HALLWATCH_TRUST_PROXY: "0" }).http.trustProxy).toBe(false);
    expect(loadConfig({}).http).toMatchObject({
      trustProxy: false,
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
    });
    expect(() => parseConfig({ http: { requestTimeoutMs: 0 } })).toThrow(ConfigError);
    expect(() => parseConfig({ http: { requestTimeoutMs: 5_000, headersTimeoutMs: 10_000 } })).toThrow(
      /headersTimeoutMs/,
    );
    expect(() => parseConfig({ auth: { tokenDefaultDays: 400, tokenMaxDays: 365 } })).toThrow(
      /tokenDefaultDays/,
    );
  });
});
