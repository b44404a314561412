import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, Browser, startHallwatch } from "../helpers/hallwatch.js";

const DAY_MS = 86_400_000;

describe("defect 13: API tokens expire, can be listed and revoked by an admin, and die with their user's access", () => {
  let nowMs = Date.UTC(2026, 10, 30, 9, 0);
  const now = () => nowMs;
  let hw: Awaited<ReturnType<typeof startHallwatch>>;
  let admin: Browser;

  beforeAll(async () => {
    hw = await startHallwatch({ auth: { tokenDefaultDays: 90, tokenMaxDays: 365 } }, { now });
    admin = new Browser(hw.url);
    expect((await admin.signIn("admin", ADMIN_PASSWORD)).status).toBe(200);
    for (const username of ["ops-bot", "night-duty"]) {
      const created = await admin.json("POST", "/api/users", {
        username,
        displayName: username,
        password: "Tangerine-Kiosk-41",
        roles: ["duty_manager"],
        halls: ["*"],
      });
      expect(created.status).toBe(200);
    }
  });
  afterAll(async () => {
    await hw.stop();
  });

  const bearer = (token: string) => new Browser(hw.url, { authorization: `Bearer ${token}` });
  async function tokenOf(username: string, body: Record<string, unknown> = { name: "script" }) {
    const user = new Browser(hw.url);
    expect((await user.signIn(username, "Tangerine-Kiosk-41")).status).toBe(200);
    return user.json("POST", "/api/auth/tokens", body);
  }

  it("defect 13: a token without an explicit expiry expires after the default, and the maximum is enforced", async () => {
    const created = await tokenOf("ops-bot");
    expect(created.status).toBe(200);
    expect(created.body.expiresMs).toBe(nowMs + 90 * DAY_MS);
    expect((await bearer(created.body.token).json("GET", "/api/auth/me")).status).toBe(200);
    const tooLong = await tokenOf("ops-bot", { name: "forever", expiresInDays: 3650 });
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body)).toContain("365");
    const start = nowMs;
    nowMs += 90 * DAY_MS + 1;
    try {
      expect((await bearer(created.body.token).json("GET", "/api/auth/me")).status).toBe(401);
    } finally {
      nowMs = start;
    }
  });

  it("defect 13: an admin lists every user's tokens without their secrets, and revokes one (audited)", async () => {
    const created = await tokenOf("ops-bot", { name: "grafana", expiresInDays: 30 });
    const listed = await admin.json("GET", "/api/admin/tokens");
    expect(listed.status).toBe(200);
    const row = listed.body.items.find((t: { id: string }) => t.id === created.body.id);
    expect(row).toMatchObject({ username: "ops-bot", name: "grafana", expiresMs: nowMs + 30 * DAY_MS });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token.slice(3));
    // Not for anyone else.
    const user = bearer(created.body.token);
    expect((await user.json("GET", "/api/admin/tokens")).status).toBe(403);
    expect((await admin.json("DELETE", `/api/admin/tokens/${created.body.id}`)).status).toBe(200);
    expect((await user.json("GET", "/api/auth/me")).status).toBe(401);
    expect((await admin.json("DELETE", `/api/admin/tokens/${created.body.id}`)).status).toBe(404);
    const audit = await admin.json("GET", "/api/audit?limit=20");
    const entry = audit.body.items.find(
      (e: { action: string; target: string }) =>
        e.action === "api_token_revoked" && e.target === created.body.id,
    );
    expect(entry).toMatchObject({ actor: "admin" });
  });

  it("defect 13: changing a password revokes the user's tokens", async () => {
    const created = await tokenOf("night-duty");
    const user = new Browser(hw.url);
    await user.signIn("night-duty", "Tangerine-Kiosk-41");
    const changed = await user.json("POST", "/api/auth/password", {
      current: "Tangerine-Kiosk-41",
      next: "Persimmon-Queue-77",
    });
    expect(changed.status).toBe(200);
    expect((await bearer(created.body.token).json("GET", "/api/auth/me")).status).toBe(401);
  });

  it("defect 13: disabling a user revokes their tokens and sessions, and they cannot sign in", async () => {
    const created = await tokenOf("ops-bot");
    const session = new Browser(hw.url);
    await session.signIn("ops-bot", "Tangerine-Kiosk-41");
    const disabled = await admin.json("POST", "/api/users/ops-bot/disable");
    expect(disabled.status).toBe(200);
    expect((await bearer(created.body.token).json("GET", "/api/auth/me")).status).toBe(401);
    expect((await session.json("GET", "/api/auth/me")).status).toBe(401);
    expect((await new Browser(hw.url).signIn("ops-bot", "Tangerine-Kiosk-41")).status).toBe(401);
    // Enabling again does not bring the old tokens back.
    expect((await admin.json("POST", "/api/users/ops-bot/enable")).status).toBe(200);
    expect((await bearer(created.body.token).json("GET", "/api/auth/me")).status).toBe(401);
    const listed = await admin.json("GET", "/api/admin/tokens?username=ops-bot");
    expect(listed.body.items.every((t: { revokedMs: number | null }) => t.revokedMs !== null)).toBe(true);
  });
});
