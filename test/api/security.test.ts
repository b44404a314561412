import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Aggregator } from "../../src/aggregator/aggregator.js";
import { AlertService } from "../../src/alerts/alert-service.js";
import { buildApi } from "../../src/api/app.js";
import { createMetrics } from "../../src/api/metrics.js";
import { raise } from "../../src/core/alerts/alert.js";
import { parseRulesConfig } from "../../src/core/faults/config.js";
import type { Role } from "../../src/core/faults/types.js";
import { DEFAULT_SILENCE_POLICY } from "../../src/core/presence/silence.js";
import { silentLogger } from "../../src/logging.js";
import { AlertStore } from "../../src/store/alerts.js";
import { AuditLog } from "../../src/store/audit.js";
import { CredentialStore } from "../../src/store/credentials.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { HallDirectory } from "../../src/store/hall-directory.js";
import { HallStore } from "../../src/store/halls.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { UserStore } from "../../src/store/users.js";

let nowMs = 1_800_000_000_000;
let db: Db;
let sql: SqliteEngine;
let app: FastifyInstance;
let users: UserStore;

async function user(username: string, roles: Role[], halls: string[]) {
  await users.create({ username, displayName: username, password: `${username}-password`, roles, halls });
}

async function alert(hallId: string, deviceId: string, faultType: string, audience: Role[]) {
  const t = raise(
    null,
    {
      key: `${hallId}/device/${deviceId}/${faultType}`,
      hallId,
      deviceId,
      agentId: `${hallId}-${deviceId}`,
      kind: "kiosk",
      faultType,
      severity: "major",
      audience,
      summary: { en: faultType, zh: faultType },
      observed: null,
      affected: [deviceId],
    },
    nowMs,
    600_000,
    `${hallId}-${deviceId}-${faultType}`,
  );
  await new AlertStore(sql).save(t.alert, t.entry);
  return t.alert.id;
}

async function signIn(username: string, password = `${username}-password`) {
  const res = await app.inject({ method: "POST", url: "/api/auth/login", payload: { username, password } });
  const cookie = String(res.headers["set-cookie"] ?? "").split(";")[0] ?? "";
  return {
    status: res.statusCode,
    cookie,
    csrf: (res.json() as { csrfToken?: string }).csrfToken ?? "",
    raw: res,
  };
}

beforeEach(async () => {
  db = openDatabase(":memory:");
  sql = new SqliteEngine(db);
  users = new UserStore(sql);
  const store = new HallStore(sql);
  await store.upsert({ id: "north", name: "North" });
  await store.upsert({ id: "south", name: "South" });
  const halls = await HallDirectory.open(store);
  await user("admin", ["admin"], ["*"]);
  await user("duty-north", ["duty_manager"], ["north"]);
  await user("floor-north", ["floor_staff"], ["north"]);
  const logger = silentLogger();
  const aggregator = new Aggregator({
    brokerUrl: "mqtt://127.0.0.1:1",
    username: "_aggregator",
    password: "x",
    sql,
    logger,
    silencePolicy: DEFAULT_SILENCE_POLICY,
  });
  const alerts = new AlertService({
    sql,
    aggregator,
    rules: parseRulesConfig({}),
    logger,
    now: () => nowMs,
  });
  app = await buildApi({
    auth: {
      users,
      audit: new AuditLog(new SqliteEngine(db)),
      sessionIdleMs: 30 * 60_000,
      sessionAbsoluteMs: 8 * 3_600_000,
      secureCookies: false,
      throttle: {
        freeFailures: 2,
        baseDelayMs: 60_000,
        maxDelayMs: 600_000,
        forgetAfterMs: 86_400_000,
        maxPairs: 1_000,
      },
    },
    aggregator,
    alerts,
    halls,
    credentials: new CredentialStore(new SqliteEngine(db)),
    metrics: createMetrics(aggregator, null),
    logger,
    version: "test",
    now: () => nowMs,
  });
  await alert("north", "kiosk-1", "paper_low", ["floor_staff"]);
  await alert("north", "kiosk-2", "app_down", ["duty_manager", "maintenance"]);
  await alert("south", "kiosk-1", "paper_low", ["floor_staff"]);
});

afterEach(async () => {
  await app.close();
  db.close();
});

describe("API security", () => {
  it.each([
    ["GET", "/api/halls"],
    ["GET", "/api/devices"],
    ["GET", "/api/devices/north/kiosk-1"],
    ["GET", "/api/agents"],
    ["GET", "/api/alerts"],
    ["GET", "/api/alerts/stream"],
    ["GET", "/api/alerts/x"],
    ["POST", "/api/alerts/x/acknowledge"],
    ["POST", "/api/alerts/x/resolve"],
    ["GET", "/api/dead-letters"],
    ["GET", "/api/users"],
    ["POST", "/api/users"],
    ["GET", "/api/audit"],
    ["GET", "/api/auth/me"],
    ["POST", "/api/auth/tokens"],
    ["GET", "/metrics"],
  ])("refuses an unauthenticated %s %s", async (method, url) => {
    const res = await app.inject({
      method: method as "GET",
      url,
      payload: method === "POST" ? {} : undefined,
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: "unauthenticated" } });
  });

  it("answers health and the OpenAPI document without signing in", async () => {
    expect((await app.inject({ method: "GET", url: "/api/health" })).statusCode).toBe(503);
    const doc = await app.inject({ method: "GET", url: "/api/openapi.json" });
    expect(doc.statusCode).toBe(200);
    expect(Object.keys(doc.json().paths)).toEqual(
      expect.arrayContaining(["/api/alerts", "/api/devices", "/api/auth/login"]),
    );
  });

  it("signs in with an HttpOnly, SameSite=Strict cookie and refuses a state change without the CSRF token", async () => {
    const s = await signIn("duty-north");
    expect(s.status).toBe(200);
    expect(String(s.raw.headers["set-cookie"])).toMatch(/HttpOnly/i);
    expect(String(s.raw.headers["set-cookie"])).toMatch(/SameSite=Strict/i);
    const id = "north-kiosk-2-app_down";
    const without = await app.inject({
      method: "POST",
      url: `/api/alerts/${id}/acknowledge`,
      headers: { cookie: s.cookie },
      payload: {},
    });
    expect(without.statusCode).toBe(403);
    expect(without.json()).toMatchObject({ error: { code: "csrf_failed" } });
    const wrong = await app.inject({
      method: "POST",
      url: `/api/alerts/${id}/acknowledge`,
      headers: { cookie: s.cookie, "x-csrf-token": "guess" },
      payload: {},
    });
    expect(wrong.statusCode).toBe(403);
    const ok = await app.inject({
      method: "POST",
      url: `/api/alerts/${id}/acknowledge`,
      headers: { cookie: s.cookie, "x-csrf-token": s.csrf },
      payload: { comment: "on it" },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: "acknowledged", acknowledged: { by: "duty-north" } });
  });

  it("makes a (user, address) pair wait after repeated wrong passwords", async () => {
    for (let i = 0; i < 3; i++) expect((await signIn("duty-north", "wrong")).status).toBe(401);
    const locked = await signIn("duty-north");
    expect(locked.status).toBe(429);
    expect(locked.raw.headers["retry-after"]).toBeDefined();
    nowMs += 61_000;
    expect((await signIn("duty-north")).status).toBe(200);
  });

  it("gives the same answer for an unknown user and a wrong password", async () => {
    const unknown = await signIn("nobody", "whatever");
    const wrong = await signIn("admin", "whatever");
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    expect(unknown.raw.json()).toEqual(wrong.raw.json());
  });

  it("expires an idle session", async () => {
    const s = await signIn("duty-north");
    expect(
      (await app.inject({ method: "GET", url: "/api/auth/me", headers: { cookie: s.cookie } })).statusCode,
    ).toBe(200);
    nowMs += 31 * 60_000;
    expect(
      (await app.inject({ method: "GET", url: "/api/auth/me", headers: { cookie: s.cookie } })).statusCode,
    ).toBe(401);
  });

  it("ends a session at its absolute lifetime even when it is used all along", async () => {
    const s = await signIn("duty-north");
    const me = () => app.inject({ method: "GET", url: "/api/auth/me", headers: { cookie: s.cookie } });
    for (let i = 0; i < 23; i++) {
      nowMs += 20 * 60_000; // 7 h 40 min in all
      expect((await me()).statusCode).toBe(200);
    }
    nowMs += 21 * 60_000; // past 8 h
    expect((await me()).statusCode).toBe(401);
  });

  it("shows floor staff only their hall and the alerts addressed to them", async () => {
    const s = await signIn("floor-north");
    const list = (
      await app.inject({ method: "GET", url: "/api/alerts", headers: { cookie: s.cookie } })
    ).json();
    expect(list.items.map((a: { id: string }) => a.id)).toEqual(["north-kiosk-1-paper_low"]);
    const halls = (
      await app.inject({ method: "GET", url: "/api/halls", headers: { cookie: s.cookie } })
    ).json();
    expect(halls.items.map((h: { id: string }) => h.id)).toEqual(["north"]);
    const other = await app.inject({
      method: "GET",
      url: "/api/alerts/south-kiosk-1-paper_low",
      headers: { cookie: s.cookie },
    });
    expect(other.statusCode).toBe(404);
    const southOnly = (
      await app.inject({ method: "GET", url: "/api/alerts?hallId=south", headers: { cookie: s.cookie } })
    ).json();
    expect(southOnly.items).toEqual([]);
  });

  it("refuses actions outside a user's role or halls through the API", async () => {
    const floor = await signIn("floor-north");
    const headers = { cookie: floor.cookie, "x-csrf-token": floor.csrf };
    // Not addressed to floor staff: invisible, so 404.
    expect(
      (
        await app.inject({
          method: "POST",
          url: "/api/alerts/north-kiosk-2-app_down/acknowledge",
          headers,
          payload: {},
        })
      ).statusCode,
    ).toBe(404);
    // Another hall.
    expect(
      (
        await app.inject({
          method: "POST",
          url: "/api/alerts/south-kiosk-1-paper_low/resolve",
          headers,
          payload: { reason: "x" },
        })
      ).statusCode,
    ).toBe(404);
    // Admin-only endpoints.
    for (const url of [
      "/api/users",
      "/api/audit",
      "/api/dead-letters",
      "/metrics",
      "/api/agents",
      "/api/admin/agents",
    ]) {
      expect((await app.inject({ method: "GET", url, headers })).statusCode, url).toBe(403);
    }
    expect(
      (
        await app.inject({
          method: "POST",
          url: "/api/users",
          headers,
          payload: {
            username: "evil",
            displayName: "x",
            password: "0123456789",
            roles: ["admin"],
            halls: ["*"],
          },
        })
      ).statusCode,
    ).toBe(403);
    // Their own alert: allowed.
    expect(
      (
        await app.inject({
          method: "POST",
          url: "/api/alerts/north-kiosk-1-paper_low/acknowledge",
          headers,
          payload: {},
        })
      ).statusCode,
    ).toBe(200);
  });

  it("issues API tokens that work without cookies and CSRF, and can be revoked", async () => {
    const s = await signIn("admin");
    const created = (
      await app.inject({
        method: "POST",
        url: "/api/auth/tokens",
        headers: { cookie: s.cookie, "x-csrf-token": s.csrf },
        payload: { name: "prometheus" },
      })
    ).json();
    expect(created.token).toMatch(/^hw_/);
    const bearer = { authorization: `Bearer ${created.token}` };
    expect((await app.inject({ method: "GET", url: "/metrics", headers: bearer })).statusCode).toBe(200);
    expect(
      (
        await app.inject({
          method: "POST",
          url: "/api/alerts/north-kiosk-1-paper_low/comments",
          headers: bearer,
          payload: { text: "scripted" },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: "DELETE", url: `/api/auth/tokens/${created.id}`, headers: bearer }))
        .statusCode,
    ).toBe(200);
    expect((await app.inject({ method: "GET", url: "/metrics", headers: bearer })).statusCode).toBe(401);
    expect(
      (await app.inject({ method: "GET", url: "/api/halls", headers: { authorization: "Bearer hw_forged" } }))
        .statusCode,
    ).toBe(401);
  });

  it("writes every state change to the audit log, with before and after", async () => {
    const s = await signIn("admin");
    const headers = { cookie: s.cookie, "x-csrf-token": s.csrf };
    await app.inject({
      method: "POST",
      url: "/api/alerts/north-kiosk-2-app_down/resolve",
      headers,
      payload: { reason: "rebooted" },
    });
    await app.inject({
      method: "POST",
      url: "/api/users",
      headers,
      payload: {
        username: "maint-1",
        displayName: "M",
        password: "0123456789ab",
        roles: ["maintenance"],
        halls: ["north"],
      },
    });
    const log = (await app.inject({ method: "GET", url: "/api/audit", headers })).json().items;
    expect(log.map((e: { action: string }) => e.action)).toEqual(["user_created", "alert_resolved", "login"]);
    expect(log[1]).toMatchObject({
      actor: "admin",
      target: "north-kiosk-2-app_down",
      before: { status: "open" },
      after: { status: "resolved" },
    });
    expect(JSON.stringify(log[0].after)).not.toContain("0123456789ab");
  });

  it("never stores or returns a password or token in clear", async () => {
    const row = db.prepare("SELECT password_hash FROM users WHERE username = 'admin'").get() as {
      password_hash: string;
    };
    expect(row.password_hash).toMatch(/^scrypt\$/);
    const s = await signIn("admin");
    const list = (
      await app.inject({ method: "GET", url: "/api/users", headers: { cookie: s.cookie } })
    ).json();
    expect(JSON.stringify(list)).not.toMatch(/password|scrypt/);
    const token = s.cookie.split("=")[1] ?? "";
    expect(JSON.stringify(db.prepare("SELECT * FROM sessions").all())).not.toContain(token);
  });

  it("changes a password only with the current one, and ends the user's sessions", async () => {
    const s = await signIn("duty-north");
    const headers = { cookie: s.cookie, "x-csrf-token": s.csrf };
    const wrong = await app.inject({
      method: "POST",
      url: "/api/auth/password",
      headers,
      payload: { current: "nope", next: "a-new-password-1" },
    });
    expect(wrong.statusCode).toBe(401);
    const short = await app.inject({
      method: "POST",
      url: "/api/auth/password",
      headers,
      payload: { current: "duty-north-password", next: "short" },
    });
    expect(short.statusCode).toBe(400);
    const ok = await app.inject({
      method: "POST",
      url: "/api/auth/password",
      headers,
      payload: { current: "duty-north-password", next: "a-new-password-1" },
    });
    expect(ok.statusCode).toBe(200);
    expect(
      (await app.inject({ method: "GET", url: "/api/auth/me", headers: { cookie: s.cookie } })).statusCode,
    ).toBe(401);
    expect((await signIn("duty-north")).status).toBe(401);
    expect((await signIn("duty-north", "a-new-password-1")).status).toBe(200);
  });
});
