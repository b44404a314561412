import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, Browser, startHallwatch } from "../helpers/hallwatch.js";

/** The attacker, the owner and a proxy meet the sign-in over real HTTP; the server's clock is ours. */
describe("defect 12: sign-in throttling slows the attacker without locking out the owner", () => {
  let nowMs = Date.UTC(2026, 10, 30, 9, 0);
  const now = () => nowMs;

  describe("direct (no proxy)", () => {
    let hw: Awaited<ReturnType<typeof startHallwatch>>;
    beforeAll(async () => {
      hw = await startHallwatch({}, { now });
    });
    afterAll(async () => {
      await hw.stop();
    });

    it("defect 12: an attacker hammering admin does not lock out the admin with a known-device cookie from the same address", async () => {
      // The owner signed in once from this device earlier: the browser keeps its device cookie.
      const owner = new Browser(hw.url);
      expect((await owner.signIn("admin", ADMIN_PASSWORD)).status).toBe(200);
      const attacker = new Browser(hw.url);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await attacker.signIn("admin", `guess-${i}`)).status);
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(statuses).toContain(429);
      // Same address (loopback), right password, known device: passes at once.
      const again = await owner.signIn("admin", ADMIN_PASSWORD);
      expect(again.status).toBe(200);
      // Without the device cookie, the same (user, address) pair is slowed: the attacker cannot tell.
      expect((await new Browser(hw.url).signIn("admin", ADMIN_PASSWORD)).status).toBe(429);
      // A forged device cookie counts for nothing.
      const forger = new Browser(hw.url);
      forger.cookies.set("hallwatch_device", "eyJ1IjoiYWRtaW4ifQ.forged");
      expect((await forger.signIn("admin", ADMIN_PASSWORD)).status).toBe(429);
    });

    it("defect 12: the attacker is slowed with a Retry-After that grows, and other users behind the address are not", async () => {
      const attacker = new Browser(hw.url);
      const waits: number[] = [];
      for (let round = 0; round < 4; round++) {
        // Wrong passwords until refused; the refusal says how long to wait.
        let answer = await attacker.signIn("maint-lead", "wrong-guess");
        while (answer.status === 401) answer = await attacker.signIn("maint-lead", "wrong-guess");
        expect(answer.status).toBe(429);
        expect(answer.body.error.code).toBe("too_many_attempts");
        const wait = Number(answer.headers.get("retry-after"));
        expect(wait).toBeGreaterThan(0);
        waits.push(wait);
        nowMs += wait * 1000;
      }
      for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThan(waits[i - 1] as number);
      // The admin shares the address but not the user name: unaffected.
      expect((await new Browser(hw.url).signIn("admin", ADMIN_PASSWORD)).status).not.toBe(429);
    });
  });

  describe("behind a proxy", () => {
    const viaProxy = (url: string, clientIp: string) => new Browser(url, { "x-forwarded-for": clientIp });

    it("defect 12: with trustProxy, X-Forwarded-For gives each client its own throttle", async () => {
      const hw = await startHallwatch({ http: { trustProxy: "127.0.0.1" } }, { now });
      try {
        const attacker = viaProxy(hw.url, "203.0.113.9");
        let last = 0;
        for (let i = 0; i < 10; i++) last = (await attacker.signIn("admin", `guess-${i}`)).status;
        expect(last).toBe(429);
        expect((await viaProxy(hw.url, "198.51.100.20").signIn("admin", ADMIN_PASSWORD)).status).toBe(200);
        const audit = await viaProxy(hw.url, "198.51.100.20");
        await audit.signIn("admin", ADMIN_PASSWORD);
        const failed = (await audit.json("GET", "/api/audit?actor=admin&limit=50")).body.items.filter(
          (e: { action: string }) => e.action === "login_failed",
        );
        expect(failed[0].ip).toBe("203.0.113.9");
      } finally {
        await hw.stop();
      }
    });

    it("defect 12: without trustProxy, X-Forwarded-For is ignored (a client cannot pick its own address)", async () => {
      const hw = await startHallwatch({}, { now });
      try {
        // The attacker rotates the header; the throttle still sees one address and slows them.
        const statuses: number[] = [];
        for (let i = 0; i < 10; i++)
          statuses.push((await viaProxy(hw.url, `203.0.113.${i}`).signIn("admin", `guess-${i}`)).status);
        expect(statuses.at(-1)).toBe(429);
      } finally {
        await hw.stop();
      }
    });
  });
});
