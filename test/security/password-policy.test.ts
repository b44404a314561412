import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, Browser, startHallwatch } from "../helpers/hallwatch.js";

describe("defect 16: weak passwords and unknown halls are refused, with the rule named", () => {
  let hw: Awaited<ReturnType<typeof startHallwatch>>;
  let admin: Browser;
  beforeAll(async () => {
    hw = await startHallwatch();
    admin = new Browser(hw.url);
    expect((await admin.signIn("admin", ADMIN_PASSWORD)).status).toBe(200);
    expect((await admin.json("POST", "/api/halls", { id: "north", name: "North" })).status).toBe(200);
  });
  afterAll(async () => {
    await hw.stop();
  });

  const newUser = (username: string, password: string, halls = ["north"]) =>
    admin.json("POST", "/api/users", {
      username,
      displayName: username,
      password,
      roles: ["floor_staff"],
      halls,
    });

  it("defect 16: user creation refuses common, trivial and username passwords", async () => {
    const cases: [string, string, RegExp][] = [
      ["aaaaaaaaaa", "floor-a", /one character repeated/],
      ["1234567890", "floor-b", /common|sequence/],
      ["qwertyuiop", "floor-c", /common|sequence/],
      ["password123", "floor-d", /common/],
      ["Password2026!", "floor-e", /common/],
      ["9876543210", "floor-f", /common|sequence/],
      ["floor-clerk", "floor-clerk", /user name/],
      ["X-FLOOR-CLERK-2", "floor-clerk", /user name/],
      ["20261130123", "floor-g", /digits/],
    ];
    for (const [password, username, rule] of cases) {
      const answer = await newUser(username, password);
      expect(answer.status, `${username} / ${password}`).toBe(400);
      expect(answer.body.error.code).toBe("weak_password");
      expect(answer.body.error.message).toMatch(rule);
      expect(JSON.stringify(answer.body)).not.toContain(password);
    }
    expect((await newUser("floor-ok", "Lantern-Queue-Nine")).status).toBe(200);
  });

  it("defect 16: user creation refuses halls that do not exist, naming them", async () => {
    const answer = await newUser("floor-x", "Lantern-Queue-Nine", ["north", "sooth"]);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain("sooth");
    expect(answer.body.error.message).not.toContain("north");
    expect(
      (await admin.json("GET", "/api/users")).body.items.map((u: { username: string }) => u.username),
    ).not.toContain("floor-x");
    expect((await newUser("floor-all", "Lantern-Queue-Nine", ["*"])).status).toBe(200);
  });

  it("defect 16: a password change and an admin reset apply the same policy", async () => {
    expect((await newUser("floor-p", "Lantern-Queue-Nine")).status).toBe(200);
    const user = new Browser(hw.url);
    expect((await user.signIn("floor-p", "Lantern-Queue-Nine")).status).toBe(200);
    const weak = await user.json("POST", "/api/auth/password", {
      current: "Lantern-Queue-Nine",
      next: "1111111111",
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe("weak_password");
    const same = await user.json("POST", "/api/auth/password", {
      current: "Lantern-Queue-Nine",
      next: "floor-p-floor-p",
    });
    expect(same.body.error.message).toMatch(/user name/);
    const reset = await admin.json("POST", "/api/users/floor-p/password", { password: "abcdefghijk" });
    expect(reset.status).toBe(400);
    expect(reset.body.error.code).toBe("weak_password");
    expect(
      (await admin.json("POST", "/api/users/floor-p/password", { password: "Copper-Beacon-315" })).status,
    ).toBe(200);
    expect((await new Browser(hw.url).signIn("floor-p", "Copper-Beacon-315")).status).toBe(200);
  });
});
