import { expect, it } from "vitest";
import { PostgresEngine } from "../../src/store/sql/postgres-engine.js";
import { UserStore } from "../../src/store/users.js";
import { describeEachEngine } from "../helpers/engines.js";
import { fillable } from "../helpers/failing-engine.js";

const T0 = 1_764_547_200_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PASSWORD = "Contract-test-pw-1";

const ana = {
  username: "ana",
  displayName: "Ana",
  password: PASSWORD,
  roles: ["duty_manager" as const],
  halls: ["h1"],
};

describeEachEngine("the user store", (fresh, engine) => {
  it("creates, reads, lists (by username), updates and counts users; unknown users are null", async () => {
    const users = new UserStore(await fresh());
    expect(await users.count()).toBe(0);
    const created = await users.create({ ...ana, language: "en", mustChangePassword: true }, T0);
    expect(created).toEqual({
      username: "ana",
      displayName: "Ana",
      roles: ["duty_manager"],
      halls: ["h1"],
      language: "en",
      createdMs: T0,
      disabled: false,
      mustChangePassword: true,
    });
    await users.create({ ...ana, username: "Zed", displayName: "Zed" }, T0);
    await users.create({ ...ana, username: "bo", displayName: "Bo" }, T0);
    expect(await users.count()).toBe(3);
    expect((await users.list()).map((u) => u.username)).toEqual(["Zed", "ana", "bo"].sort());
    expect((await users.get("bo"))?.language).toBe("zh");
    expect(await users.get("nobody")).toBeNull();
    const changed = await users.update("ana", { displayName: "Ana L.", roles: ["admin"], halls: ["*"] });
    expect(changed).toMatchObject({ displayName: "Ana L.", roles: ["admin"], halls: ["*"], language: "en" });
    expect(await users.get("ana")).toEqual(changed);
    expect(await users.update("nobody", { displayName: "x" })).toBeNull();
    await expect(users.create(ana, T0)).rejects.toThrow();
  });

  it("verifies passwords; a wrong password, an unknown user and a disabled user give null", async () => {
    const users = new UserStore(await fresh());
    await users.create(ana, T0);
    expect((await users.verifyPassword("ana", PASSWORD))?.username).toBe("ana");
    expect(await users.verifyPassword("ana", "wrong")).toBeNull();
    expect(await users.verifyPassword("nobody", PASSWORD)).toBeNull();
    expect(await users.setDisabled("ana", true, T0)).toBe(true);
    expect(await users.verifyPassword("ana", PASSWORD)).toBeNull();
    expect((await users.get("ana"))?.disabled).toBe(true);
    expect(await users.setDisabled("ana", false, T0)).toBe(true);
    expect((await users.verifyPassword("ana", PASSWORD))?.username).toBe("ana");
    expect(await users.setDisabled("nobody", true, T0)).toBe(false);
  });

  it("sessions: valid until idle or absolute expiry, sliding on use; sign-out and clean-up end them", async () => {
    const users = new UserStore(await fresh());
    await users.create(ana, T0);
    const s = await users.createSession("ana", HOUR, "10.0.0.1", T0);
    expect(s.token).not.toBe(s.csrfToken);
    const seen = await users.session(s.token, HOUR, DAY, T0 + 30 * 60_000);
    expect(seen?.user.username).toBe("ana");
    expect(seen?.csrfToken).toBe(s.csrfToken);
    // Slid: an hour after the last use, not after sign-in.
    expect(await users.session(s.token, HOUR, DAY, T0 + 80 * 60_000)).not.toBeNull();
    expect(await users.session(s.token, HOUR, DAY, T0 + 141 * 60_000)).toBeNull();
    // Absolute: used every half hour, it still ends a day after sign-in.
    const kept = await users.createSession("ana", HOUR, null, T0);
    for (let t = T0; t < T0 + DAY; t += 30 * 60_000)
      expect(await users.session(kept.token, HOUR, DAY, t)).not.toBeNull();
    expect(await users.session(kept.token, HOUR, DAY, T0 + DAY)).toBeNull();
    expect(await users.session("not-a-token", HOUR, DAY, T0)).toBeNull();

    const out = await users.createSession("ana", HOUR, null, T0);
    await users.deleteSession(out.token);
    expect(await users.session(out.token, HOUR, DAY, T0)).toBeNull();
    await users.deleteSession("unknown-token"); // no error

    await users.createSession("ana", HOUR, null, T0);
    expect(await users.deleteExpiredSessions(T0 + 2 * HOUR)).toBeGreaterThanOrEqual(1);
    expect(await users.deleteExpiredSessions(T0 + 2 * HOUR)).toBe(0);
  });

  it("a password change or disabling ends every session and API token of that user only", async () => {
    const users = new UserStore(await fresh());
    await users.create(ana, T0);
    await users.create({ ...ana, username: "bo" }, T0);
    const s = await users.createSession("ana", HOUR, null, T0);
    const t = await users.createApiToken("ana", "script", null, T0);
    const other = await users.createSession("bo", HOUR, null, T0);
    await users.setPassword("ana", "New-password-2", T0 + 1, true);
    expect(await users.session(s.token, HOUR, DAY, T0 + 2)).toBeNull();
    expect(await users.apiTokenUser(t.token, T0 + 2)).toBeNull();
    expect((await users.apiToken(t.id))?.revokedMs).toBe(T0 + 1);
    expect(await users.session(other.token, HOUR, DAY, T0 + 2)).not.toBeNull();
    expect(await users.verifyPassword("ana", PASSWORD)).toBeNull();
    expect(await users.verifyPassword("ana", "New-password-2")).toMatchObject({ mustChangePassword: true });
    await users.setPassword("ana", "Newer-password-3", T0 + 3);
    expect((await users.get("ana"))?.mustChangePassword).toBe(false);

    const s2 = await users.createSession("ana", HOUR, null, T0 + 4);
    const t2 = await users.createApiToken("ana", "again", null, T0 + 4);
    await users.setDisabled("ana", true, T0 + 5);
    expect(await users.session(s2.token, HOUR, DAY, T0 + 6)).toBeNull();
    await users.setDisabled("ana", false, T0 + 7);
    expect(await users.session(s2.token, HOUR, DAY, T0 + 8)).toBeNull();
    expect(await users.apiTokenUser(t2.token, T0 + 8)).toBeNull();
  });

  it("API tokens: expiry, last use, listing newest first, revoking by owner or admin, capping expiry", async () => {
    const users = new UserStore(await fresh());
    await users.create(ana, T0);
    await users.create({ ...ana, username: "bo" }, T0);
    const forever = await users.createApiToken("ana", "forever", null, T0);
    const short = await users.createApiToken("ana", "short", T0 + HOUR, T0 + 1);
    const bos = await users.createApiToken("bo", "bo's", T0 + 10 * DAY, T0 + 2);
    expect(forever.token.startsWith("hw_")).toBe(true);
    expect((await users.apiTokenUser(forever.token, T0 + 5))?.username).toBe("ana");
    expect((await users.apiToken(forever.id))?.lastUsedMs).toBe(T0 + 5);
    expect(await users.apiTokenUser(short.token, T0 + HOUR)).toBeNull();
    expect(await users.apiTokenUser("hw_unknown", T0)).toBeNull();

    expect((await users.listApiTokens()).map((t) => t.name)).toEqual(["bo's", "short", "forever"]);
    const listed = await users.listApiTokens({ username: "ana" });
    expect(listed.map((t) => t.id)).toEqual([short.id, forever.id]);
    expect(listed[1]).toEqual({
      id: forever.id,
      username: "ana",
      name: "forever",
      createdMs: T0,
      expiresMs: null,
      lastUsedMs: T0 + 5,
      revokedMs: null,
    });
    expect(JSON.stringify(listed)).not.toContain(forever.token);
    expect(await users.apiToken("no-such-id")).toBeNull();

    // Start-up caps: no expiry, or later than the cap, becomes the cap; earlier ones and revoked ones stay.
    expect(await users.capApiTokenExpiry(T0 + 5 * DAY)).toBe(2);
    expect((await users.apiToken(forever.id))?.expiresMs).toBe(T0 + 5 * DAY);
    expect((await users.apiToken(short.id))?.expiresMs).toBe(T0 + HOUR);
    expect((await users.apiToken(bos.id))?.expiresMs).toBe(T0 + 5 * DAY);
    expect(await users.capApiTokenExpiry(T0 + 5 * DAY)).toBe(0);

    expect(await users.revokeApiToken(bos.id, "ana", T0 + 6)).toBe(false); // not hers
    expect(await users.revokeApiToken(forever.id, "ana", T0 + 6)).toBe(true);
    expect(await users.revokeApiToken(forever.id, "ana", T0 + 7)).toBe(false); // already
    expect(await users.apiTokenUser(forever.token, T0 + 8)).toBeNull();
    expect(await users.revokeAnyApiToken(bos.id, T0 + 9)).toBe(true);
    expect(await users.revokeAnyApiToken(bos.id, T0 + 9)).toBe(false);
    expect(await users.revokeAnyApiToken("no-such-id", T0 + 9)).toBe(false);
    expect((await users.apiToken(bos.id))?.revokedMs).toBe(T0 + 9);
    expect(await users.capApiTokenExpiry(T0 + DAY)).toBe(0);
  });

  it("keeps sessions the store refuses in memory and writes them (and sign-outs) when it takes writes again", async () => {
    const sql = fillable(await fresh());
    const failures: unknown[] = [];
    const users = new UserStore(sql, (err) => failures.push(err));
    await users.create(ana, T0);
    sql.full = true;
    const s = await users.createSession("ana", HOUR, null, T0);
    expect(failures.length).toBeGreaterThan(0);
    expect((await users.session(s.token, HOUR, DAY, T0 + 1))?.user.username).toBe("ana");
    const gone = await users.createSession("ana", HOUR, null, T0);
    await users.deleteSession(gone.token);
    expect(await users.session(gone.token, HOUR, DAY, T0 + 1)).toBeNull();
    const stored = await sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM sessions");
    expect(stored?.n).toBe(0);

    await users.flushUnsavedSessions(); // still full: kept, no error
    sql.full = false;
    await users.flushUnsavedSessions();
    const rows = await sql.all<{ n: number }>("SELECT COUNT(*) AS n FROM sessions");
    expect(rows[0]?.n).toBe(1);
    expect((await users.session(s.token, HOUR, DAY, T0 + 2))?.user.username).toBe("ana");
    expect(await users.session(gone.token, HOUR, DAY, T0 + 2)).toBeNull();

    // A sign-out the store refused is written later.
    sql.full = true;
    await users.deleteSession(s.token);
    expect(await users.session(s.token, HOUR, DAY, T0 + 3)).toBeNull();
    sql.full = false;
    await users.flushUnsavedSessions();
    expect((await sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM sessions"))?.n).toBe(0);
  });

  it("keeps working for reads while sliding expiry and last use cannot be written", async () => {
    const sql = fillable(await fresh());
    const users = new UserStore(sql, () => {});
    await users.create(ana, T0);
    const s = await users.createSession("ana", HOUR, null, T0);
    const t = await users.createApiToken("ana", "x", null, T0);
    sql.full = true;
    expect(await users.session(s.token, HOUR, DAY, T0 + 1)).not.toBeNull();
    expect(await users.apiTokenUser(t.token, T0 + 1)).not.toBeNull();
  });

  it.runIf(engine === "postgres")(
    "two API nodes on one database: a session made on one is valid on the other, and a sign-out on either ends it",
    async () => {
      const a = (await fresh()) as PostgresEngine;
      const b = new PostgresEngine({ connectionString: String(a.pool.options.connectionString) });
      try {
        const nodeA = new UserStore(a);
        const nodeB = new UserStore(b);
        await nodeA.create(ana, T0);
        const s = await nodeA.createSession("ana", HOUR, null, T0);
        expect((await nodeB.session(s.token, HOUR, DAY, T0 + 1))?.csrfToken).toBe(s.csrfToken);
        await nodeB.deleteSession(s.token);
        expect(await nodeA.session(s.token, HOUR, DAY, T0 + 2)).toBeNull();

        const s2 = await nodeB.createSession("ana", HOUR, null, T0);
        expect(await nodeA.session(s2.token, HOUR, DAY, T0 + 1)).not.toBeNull();
        await nodeA.setPassword("ana", "Other-password-4", T0 + 2);
        expect(await nodeB.session(s2.token, HOUR, DAY, T0 + 3)).toBeNull();
        const t = await nodeA.createApiToken("ana", "x", null, T0);
        expect(await nodeB.apiTokenUser(t.token, T0 + 4)).not.toBeNull();
        await nodeB.revokeApiToken(t.id, "ana", T0 + 5);
        expect(await nodeA.apiTokenUser(t.token, T0 + 6)).toBeNull();
      } finally {
        await b.close();
      }
    },
  );
});
