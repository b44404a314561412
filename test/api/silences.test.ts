import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, Browser, startHallwatch } from "../helpers/hallwatch.js";

const NOW = Date.UTC(2026, 11, 1, 2, 0, 0);
const HOUR = 3_600_000;

describe("silences over HTTP: create, list, lift, validation and refusals", () => {
  let hw: Awaited<ReturnType<typeof startHallwatch>>;
  let admin: Browser;
  let duty: Browser;
  let floor: Browser;
  const signedIn = async (username: string, password: string) => {
    const b = new Browser(hw.url);
    expect((await b.signIn(username, password)).status).toBe(200);
    return b;
  };
  beforeAll(async () => {
    hw = await startHallwatch({}, { now: () => NOW });
    admin = await signedIn("admin", ADMIN_PASSWORD);
    for (const [id, region] of [
      ["north", "西城区"],
      ["south", "东城区"],
    ])
      expect((await admin.json("POST", "/api/halls", { id, name: id, region })).status).toBe(200);
    const users = [
      ["chen", ["duty_manager"], ["north"]],
      ["lin", ["floor_staff"], ["north"]],
    ] as const;
    for (const [username, roles, halls] of users)
      expect(
        (
          await admin.json("POST", "/api/users", {
            username,
            displayName: username,
            password: "Lantern-Queue-Nine",
            roles,
            halls,
          })
        ).status,
      ).toBe(200);
    duty = await signedIn("chen", "Lantern-Queue-Nine");
    floor = await signedIn("lin", "Lantern-Queue-Nine");
  });
  afterAll(async () => {
    await hw.stop();
  });

  it("keeps a hall's region", async () => {
    const halls = (await admin.json("GET", "/api/halls")).body;
    const items = Array.isArray(halls) ? halls : halls.items;
    expect(items.find((h: { id: string }) => h.id === "north").region).toBe("西城区");
  });

  it("lets a duty manager create and lift a silence of their hall, audited; floor staff read it", async () => {
    const created = await duty.json("POST", "/api/silences", {
      matchers: { hallId: "north", kind: "gateway", faultType: "gateway_down" },
      reason: "Carrier replaces the fibre",
      endsMs: NOW + 2 * HOUR,
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      hallId: "north",
      createdBy: "chen",
      startsMs: NOW,
      endsMs: NOW + 2 * HOUR,
      active: true,
      held: 0,
    });
    const read = (await floor.json("GET", "/api/silences")).body.items;
    expect(read.map((s: { id: string }) => s.id)).toContain(created.body.id);

    expect((await floor.json("DELETE", `/api/silences/${created.body.id}`)).status).toBe(403);
    const lifted = await duty.json("DELETE", `/api/silences/${created.body.id}`);
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ active: false, liftedBy: "chen", endsMs: NOW });
    expect((await duty.json("DELETE", `/api/silences/${created.body.id}`)).status).toBe(409);
    // Recently ended silences stay listed.
    const listed = (await duty.json("GET", "/api/silences")).body.items;
    expect(listed.find((s: { id: string }) => s.id === created.body.id)).toMatchObject({ active: false });

    const audit = (await admin.json("GET", "/api/audit?limit=20")).body.items.map(
      (e: { action: string; actor: string }) => `${e.actor}:${e.action}`,
    );
    expect(audit).toEqual(expect.arrayContaining(["chen:silence_created", "chen:silence_lifted"]));
  });

  it("refuses a silence without a matcher, ending in the past, or longer than 30 days, with a clear code", async () => {
    const none = await admin.json("POST", "/api/silences", { matchers: {}, reason: "x", endsMs: NOW + HOUR });
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe("bad_request");
    expect(JSON.stringify(none.body.error)).toContain("at least one matcher");
    const past = await admin.json("POST", "/api/silences", {
      matchers: { severity: "minor" },
      reason: "x",
      endsMs: NOW - 1,
    });
    expect(past.status).toBe(400);
    expect(past.body.error.code).toBe("silence_ends_in_past");
    const long = await admin.json("POST", "/api/silences", {
      matchers: { severity: "minor" },
      reason: "x",
      endsMs: NOW + 31 * 24 * HOUR,
    });
    expect(long.body.error.code).toBe("silence_too_long");
    const noReason = await admin.json("POST", "/api/silences", {
      matchers: { severity: "minor" },
      reason: " ",
      endsMs: NOW + HOUR,
    });
    expect(noReason.status).toBe(400);
  });

  it("refuses floor staff, another hall's duty manager, and an every-hall silence to a one-hall duty manager (403)", async () => {
    const body = { matchers: { hallId: "north" }, reason: "x", endsMs: NOW + HOUR };
    expect((await floor.json("POST", "/api/silences", body)).status).toBe(403);
    expect(
      (await duty.json("POST", "/api/silences", { ...body, matchers: { hallId: "south" } })).status,
    ).toBe(403);
    expect(
      (await duty.json("POST", "/api/silences", { ...body, matchers: { severity: "minor" } })).status,
    ).toBe(403);
    const south = await admin.json("POST", "/api/silences", { ...body, matchers: { hallId: "south" } });
    expect(south.status).toBe(200);
    // Not a hall of theirs: not listed, and lifting it is refused.
    expect(
      (await duty.json("GET", "/api/silences")).body.items.map((s: { id: string }) => s.id),
    ).not.toContain(south.body.id);
    expect((await duty.json("DELETE", `/api/silences/${south.body.id}`)).status).toBe(404);
    expect((await new Browser(hw.url).json("GET", "/api/silences")).status).toBe(401);
  });
});
