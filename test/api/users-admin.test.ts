import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbeddedBroker } from "../../src/app/embedded-broker.js";
import { HallwatchServer } from "../../src/app/server.js";
import { parseConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/logging.js";
import { ADMIN_PASSWORD, Browser, startHallwatch } from "../helpers/hallwatch.js";

describe("user administration over HTTP: edit, one-time passwords, refusals", () => {
  let hw: Awaited<ReturnType<typeof startHallwatch>>;
  let admin: Browser;
  let floor: Browser;
  beforeAll(async () => {
    hw = await startHallwatch();
    admin = new Browser(hw.url);
    expect((await admin.signIn("admin", ADMIN_PASSWORD)).status).toBe(200);
    for (const id of ["north", "south"])
      expect((await admin.json("POST", "/api/halls", { id, name: id })).status).toBe(200);
    const created = await admin.json("POST", "/api/users", {
      username: "lin",
      displayName: "Lin",
      password: "Lantern-Queue-Nine",
      roles: ["floor_staff"],
      halls: ["north"],
    });
    expect(created.status).toBe(200);
    expect(created.body.mustChangePassword).toBe(false);
    floor = new Browser(hw.url);
    expect((await floor.signIn("lin", "Lantern-Queue-Nine")).status).toBe(200);
  });
  afterAll(async () => {
    await hw.stop();
  });

  it("an admin edits a user's name, roles, halls and language; the change is audited", async () => {
    const edited = await admin.json("PUT", "/api/users/lin", {
      displayName: "Lin Wei",
      roles: ["floor_staff", "security"],
      halls: ["north", "south"],
      language: "en",
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      username: "lin",
      displayName: "Lin Wei",
      roles: ["floor_staff", "security"],
      halls: ["north", "south"],
      language: "en",
    });
    const listed = (await admin.json("GET", "/api/users")).body.items.find(
      (u: { username: string }) => u.username === "lin",
    );
    expect(listed.displayName).toBe("Lin Wei");
    expect((await admin.json("PUT", "/api/users/lin", { halls: ["south"] })).body.roles).toEqual([
      "floor_staff",
      "security",
    ]);
    const audit = (await admin.json("GET", "/api/audit?limit=20")).body.items;
    expect(audit.some((row: { action: string }) => row.action === "user_changed")).toBe(true);
  });

  it("refuses edits from non-admins, bad input, unknown users and an admin dropping their own admin role", async () => {
    const refused = await floor.json("PUT", "/api/users/lin", { roles: ["admin"] });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("forbidden");
    expect((await floor.json("GET", "/api/users")).status).toBe(403);
    expect((await floor.json("POST", "/api/users/lin/password", {})).status).toBe(403);
    const cases: [unknown, number][] = [
      [{}, 400],
      [{ roles: [] }, 400],
      [{ roles: ["king"] }, 400],
      [{ halls: [] }, 400],
      [{ halls: ["nowhere"] }, 400],
      [{ displayName: "  " }, 400],
      [{ username: "other" }, 400],
      [{ language: "fr" }, 400],
    ];
    for (const [body, status] of cases) {
      const answer = await admin.json("PUT", "/api/users/lin", body);
      expect(answer.status, JSON.stringify(body)).toBe(status);
    }
    expect((await admin.json("PUT", "/api/users/nobody", { displayName: "X" })).status).toBe(404);
    const self = await admin.json("PUT", "/api/users/admin", { roles: ["duty_manager"] });
    expect(self.status).toBe(409);
    expect((await admin.json("GET", "/api/users")).body.items[0].roles).toContain("admin");
  });

  it("a reset without a password answers a one-time password once; its user must change it, then need not", async () => {
    const reset = await admin.json("POST", "/api/users/lin/password", {});
    expect(reset.status).toBe(200);
    const oneTime = reset.body.password as string;
    expect(oneTime).toMatch(/^[A-Za-z0-9_-]{20}$/);
    const user = new Browser(hw.url);
    const signedIn = await user.signIn("lin", oneTime);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.mustChangePassword).toBe(true);
    expect((await user.json("GET", "/api/auth/me")).body.user.mustChangePassword).toBe(true);
    const changed = await user.json("POST", "/api/auth/password", {
      current: oneTime,
      next: "Copper-Beacon-315",
    });
    expect(changed.status).toBe(200);
    const again = new Browser(hw.url);
    expect((await again.signIn("lin", "Copper-Beacon-315")).body.user.mustChangePassword).toBe(false);
    // A reset to a password the admin chose is one-time too (the admin knows it); it is not echoed.
    const chosen = await admin.json("POST", "/api/users/lin/password", { password: "Amber-Harbour-62" });
    expect(chosen.body.password).toBeUndefined();
    expect((await new Browser(hw.url).signIn("lin", "Amber-Harbour-62")).body.user.mustChangePassword).toBe(
      true,
    );
  });

  it("a weak password names its rule as a code a client can translate", async () => {
    const user = new Browser(hw.url);
    await user.signIn("lin", "Amber-Harbour-62");
    const cases: [string, string][] = [
      ["short1", "too_short"],
      ["lin-lin-lin-99", "contains_username"],
      ["password123", "common"],
      ["zyxwvutsrqp", "sequence"],
      ["1231231231", "repeated_pattern"],
    ];
    for (const [next, rule] of cases) {
      const answer = await user.json("POST", "/api/auth/password", { current: "Amber-Harbour-62", next });
      expect(answer.status, next).toBe(400);
      expect(answer.body.error.code).toBe("weak_password");
      expect(answer.body.error.details, next).toEqual({ rule });
    }
    const wrong = await user.json("POST", "/api/auth/password", {
      current: "not-the-password",
      next: "Copper-Beacon-315",
    });
    expect(wrong.status).toBe(401);
  });
});

describe("the generated first-admin password is one-time", () => {
  it("asks the first admin for a new password at sign-in; an admin password from the environment does not", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hallwatch-first-admin-"));
    const printed: string[] = [];
    const config = parseConfig({
      dataDir: join(dir, "data"),
      logLevel: "silent",
      http: { port: 0 },
      mqtt: { host: "127.0.0.1", port: 0 },
      demo: { enabled: false },
    });
    const server = new HallwatchServer(
      config,
      silentLogger(),
      { createBroker: createEmbeddedBroker },
      (line) => printed.push(line),
    );
    try {
      const at = await server.start();
      const password = /one-time password (\S+)/.exec(printed.join("\n"))?.[1] ?? "";
      expect(password).not.toBe("");
      const first = new Browser(at.httpUrl);
      const signedIn = await first.signIn("admin", password);
      expect(signedIn.body.user.mustChangePassword).toBe(true);
      expect(
        (await first.json("POST", "/api/auth/password", { current: password, next: "Owner-of-the-Hall-7" }))
          .status,
      ).toBe(200);
      expect(
        (await new Browser(at.httpUrl).signIn("admin", "Owner-of-the-Hall-7")).body.user.mustChangePassword,
      ).toBe(false);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    const hw = await startHallwatch();
    try {
      expect((await new Browser(hw.url).signIn("admin", ADMIN_PASSWORD)).body.user.mustChangePassword).toBe(
        false,
      );
    } finally {
      await hw.stop();
    }
  });
});
