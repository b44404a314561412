import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, describe, expect, it } from "vitest";
import { buildApi } from "../../src/api/app.js";
import { HealthChecks } from "../../src/api/health-checks.js";
import { createMetrics } from "../../src/api/metrics.js";
import { silentLogger } from "../../src/logging.js";
import { AuditLog } from "../../src/store/audit.js";
import { openDatabase } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";
import { StorageHealth } from "../../src/store/storage-health.js";
import { UserStore } from "../../src/store/users.js";
import { AggregatorHarness } from "../aggregator/harness.js";
import { type PlainBroker, startPlainBroker } from "../helpers/plain-broker.js";
import { mountSmallDisk } from "./tmpfs.js";

const disk = mountSmallDisk(16);
const PASSWORD = "Auth-full-disk-test-9!";

describe.runIf(disk !== null)("signing in and reading with a full store", () => {
  let broker: PlainBroker;
  let harness: AggregatorHarness;
  let api: FastifyInstance;
  let storage: StorageHealth;

  afterAll(async () => {
    storage?.stop();
    await api?.close();
    await harness?.aggregator?.stop();
    await harness?.api?.close();
    harness?.db?.close();
    await broker?.close();
    disk?.unmount();
  });

  it("defect 22: sign-in, sessions, API tokens and /metrics work with the disk full, and health says degraded with the store failing", async () => {
    broker = await startPlainBroker();
    harness = new AggregatorHarness(broker.url);
    harness.db = openDatabase(join(disk!.dir, "hallwatch.db"));
    await harness.start();
    const db = harness.db;
    storage = new StorageHealth({
      sql: new SqliteEngine(db),
      dataDir: disk!.dir,
      logger: silentLogger(),
      holdMs: 500,
    });
    const users = new UserStore(new SqliteEngine(db), (err) => storage.reportFailure(err));
    await users.create({
      username: "ops",
      displayName: "Ops",
      password: PASSWORD,
      roles: ["admin"],
      halls: ["*"],
    });
    const { token } = await users.createApiToken("ops", "script", null);
    const health = new HealthChecks();
    health.register("store", () => storage.checks().store);
    health.register("disk", () => storage.checks().disk);
    api = await buildApi({
      auth: {
        users,
        audit: new AuditLog(new SqliteEngine(db), (err) => storage.reportFailure(err)),
        sessionIdleMs: 3_600_000,
        sessionAbsoluteMs: 86_400_000,
        secureCookies: false,
      },
      aggregator: harness.aggregator,
      halls: harness.halls,
      metrics: createMetrics(harness.aggregator, null),
      health,
      logger: silentLogger(),
      version: "test",
    });
    await storage.check();
    expect((await api.inject({ method: "GET", url: "/api/health" })).json()).toMatchObject({ status: "ok" });

    disk!.fill();
    const login = await api.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: "ops", password: PASSWORD },
    });
    // Without the fix: 500 (the session INSERT and the audit entry fail with SQLITE_FULL).
    expect(login.statusCode).toBe(200);
    const cookie = `hallwatch_session=${login.cookies.find((c) => c.name === "hallwatch_session")!.value}`;
    const csrf = (login.json() as { csrfToken: string }).csrfToken;
    expect((await api.inject({ method: "GET", url: "/api/auth/me", headers: { cookie } })).statusCode).toBe(
      200,
    );
    expect((await api.inject({ method: "GET", url: "/api/devices", headers: { cookie } })).statusCode).toBe(
      200,
    );
    const bearer = { authorization: `Bearer ${token}` };
    expect((await api.inject({ method: "GET", url: "/api/devices", headers: bearer })).statusCode).toBe(200);
    expect((await api.inject({ method: "GET", url: "/metrics", headers: bearer })).statusCode).toBe(200);
    await storage.check();
    const degraded = await api.inject({ method: "GET", url: "/api/health" });
    expect(degraded.statusCode).toBe(200);
    expect(degraded.json()).toMatchObject({
      status: "degraded",
      checks: { store: { status: "failing" }, disk: { status: "failing" }, broker: { status: "ok" } },
    });

    // Space returns: the session kept in memory is written, and signing out works.
    disk!.free();
    await new Promise((resolve) => setTimeout(resolve, 600));
    await storage.check();
    expect((await api.inject({ method: "GET", url: "/api/health" })).json()).toMatchObject({ status: "ok" });
    await users.flushUnsavedSessions();
    const stored = db.prepare("SELECT COUNT(*) AS n FROM sessions WHERE username = 'ops'").get() as {
      n: number;
    };
    expect(stored.n).toBe(1);
    const logins = db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'login'").get() as {
      n: number;
    };
    expect(logins.n).toBe(0); // written with the next audit entry (or on storage recovery in the server)
    const logout = await api.inject({
      method: "POST",
      url: "/api/auth/logout",
      headers: { cookie, "x-csrf-token": csrf },
    });
    expect(logout.statusCode).toBeLessThan(300);
    expect((await api.inject({ method: "GET", url: "/api/auth/me", headers: { cookie } })).statusCode).toBe(
      401,
    );
    const audited = db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'login'").get() as {
      n: number;
    };
    expect(audited.n).toBe(1);
  }, 60_000);
});
