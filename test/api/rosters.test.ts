import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerToken } from "../helpers/auth.js";
import { DemoServer } from "../inspections/demo-server.js";

const PASSWORD = "Roster-Test-Pass-93!";
const utc = (iso: string) => DateTime.fromISO(iso, { zone: "UTC" }).toMillis();
const everyDay = [1, 2, 3, 4, 5, 6, 7];

/** Unfolds an iCalendar text into its events' properties. */
function vevents(text: string): Record<string, string>[] {
  const lines = text.replace(/\r\n[ \t]/g, "").split(/\r?\n/);
  const events: Record<string, string>[] = [];
  let current: Record<string, string> | null = null;
  for (const line of lines) {
    if (line === "BEGIN:VEVENT") current = {};
    else if (line === "END:VEVENT" && current) {
      events.push(current);
      current = null;
    } else if (current) {
      const colon = line.indexOf(":");
      current[line.slice(0, colon)] = line.slice(colon + 1);
    }
  }
  return events;
}

describe("duty rosters over HTTP", () => {
  const demo = new DemoServer();
  const tokens = new Map<string, string>();
  const as = async (user: string, method: string, path: string, body?: unknown) => {
    if (["kai", "lena", "otto"].includes(user) && !tokens.has(user))
      tokens.set(user, await bearerToken(demo.at.httpUrl, user, PASSWORD));
    const token = tokens.get(user) ?? (await demo.token(user));
    const response = await fetch(`${demo.at.httpUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const berlin = {
    name: "Berlin security",
    hallIds: ["berlin-hall"],
    timeZone: "Europe/Berlin",
    shifts: [
      { weekdays: everyDay, start: "22:00", end: "06:00", role: "security", usernames: ["lena"] },
      { weekdays: everyDay, start: "06:00", end: "22:00", role: "security", usernames: ["otto"] },
      { weekdays: [3], start: "09:00", end: "17:00", role: "duty_manager", usernames: ["kai"] },
    ],
  };

  beforeAll(async () => {
    await demo.start();
    expect(
      (
        await demo.json("admin", "POST", "/api/halls", {
          id: "berlin-hall",
          name: "Berlin Mitte",
          timeZone: "Europe/Berlin",
        })
      ).status,
    ).toBe(200);
    for (const [username, roles] of [
      ["kai", ["duty_manager"]],
      ["lena", ["security"]],
      ["otto", ["security"]],
    ] as const) {
      const created = await demo.json("admin", "POST", "/api/users", {
        username,
        displayName: `${username[0]?.toUpperCase()}${username.slice(1)} Berlin`,
        password: PASSWORD,
        roles,
        halls: ["berlin-hall"],
      });
      expect(created.status).toBe(200);
    }
  }, 60_000);
  afterAll(async () => {
    await demo.stop();
  });

  it("lets the hall's duty manager create, edit and delete a roster; refuses others; audits each change", async () => {
    const created = await as("kai", "POST", "/api/rosters", berlin);
    expect(created.status).toBe(200);
    const id = created.body.id as string;
    expect(created.body.shifts).toHaveLength(3);

    const unknown = await as("kai", "POST", "/api/rosters", {
      ...berlin,
      shifts: [{ ...berlin.shifts[0], usernames: ["lena", "nobody"] }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.map((d: any) => d.path)).toEqual(["shifts.0.usernames.1"]);
    const overlap = await as("kai", "POST", "/api/rosters", {
      ...berlin,
      shifts: [
        ...berlin.shifts,
        { weekdays: [1], start: "05:00", end: "07:00", role: "security", usernames: ["kai"] },
      ],
    });
    expect(overlap.status).toBe(400);
    expect(overlap.body.error.details.map((d: any) => d.path)).toContain("/shifts/3");
    const badTime = await as("kai", "POST", "/api/rosters", {
      ...berlin,
      shifts: [{ ...berlin.shifts[0], start: "24:30" }],
    });
    expect(badTime.status).toBe(400);

    // The demo hall's duty manager may not write Berlin's roster, nor create one for Berlin.
    expect((await as("duty", "PUT", `/api/rosters/${id}`, berlin)).status).toBe(404);
    expect((await as("duty", "POST", "/api/rosters", berlin)).status).toBe(403);
    // Security staff of the hall read it but cannot change it.
    expect((await as("lena", "GET", `/api/rosters/${id}`)).status).toBe(200);
    expect((await as("lena", "PUT", `/api/rosters/${id}`, berlin)).status).toBe(403);
    expect(
      (await as("lena", "POST", `/api/rosters/${id}/swaps`, { date: "2026-12-02", from: "lena", to: "otto" }))
        .status,
    ).toBe(403);

    const renamed = await as("kai", "PUT", `/api/rosters/${id}`, { ...berlin, name: "Berlin guards" });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe("Berlin guards");
    expect(
      (await as("lena", "GET", "/api/rosters?hallId=berlin-hall")).body.items.map((r: any) => r.id),
    ).toEqual([id]);

    const temp = await as("kai", "POST", "/api/rosters", { ...berlin, name: "temp", shifts: [] });
    expect((await as("kai", "DELETE", `/api/rosters/${temp.body.id}`)).status).toBe(200);
    expect((await as("kai", "GET", `/api/rosters/${temp.body.id}`)).status).toBe(404);

    const audit = await demo.json("admin", "GET", "/api/audit?limit=100");
    const actions = audit.body.items.filter((e: any) => e.actor === "kai").map((e: any) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["roster_created", "roster_updated", "roster_deleted"]));
  });

  it("floor staff of the demo hall read its roster but get 403 on every write", async () => {
    const listed = await as("floor", "GET", "/api/rosters?hallId=demo-hall");
    expect(listed.status).toBe(200);
    const demoRoster = listed.body.items[0];
    expect(demoRoster).toBeDefined();
    expect((await as("floor", "PUT", `/api/rosters/${demoRoster.id}`, demoRoster)).status).toBe(403);
    expect((await as("floor", "DELETE", `/api/rosters/${demoRoster.id}`)).status).toBe(403);
    expect((await as("floor", "POST", "/api/rosters", { ...berlin, hallIds: ["demo-hall"] })).status).toBe(
      403,
    );
    expect((await as("floor", "GET", "/api/rosters?hallId=berlin-hall")).body.items).toEqual([]);
  });

  it("answers who is on duty now and next per role, across the spring DST change, with overrides and swaps", async () => {
    const id = (await as("kai", "GET", "/api/rosters?hallId=berlin-hall")).body.items[0].id;
    const at = utc("2026-03-29T03:59:59");
    const before = await as("lena", "GET", `/api/halls/berlin-hall/on-duty?atMs=${at}`);
    expect(before.status).toBe(200);
    const security = before.body.roles.find((r: any) => r.role === "security");
    expect(security.now.people).toEqual([{ username: "lena", displayName: "Lena Berlin" }]);
    expect(security.now.toMs).toBe(utc("2026-03-29T04:00"));
    expect(security.next.people.map((p: any) => p.username)).toEqual(["otto"]);
    expect(before.body.roles.find((r: any) => r.role === "duty_manager").now).toBeNull();
    // The same answer through the DutyLookup port that personal routing and escalation use.
    expect(demo.server.duty.onDuty("berlin-hall", "security", at)).toEqual(["lena"]);
    expect(demo.server.duty.onDuty("berlin-hall", "security", at + 1000)).toEqual(["otto"]);

    const swap = await as("kai", "POST", `/api/rosters/${id}/swaps`, {
      date: "2026-03-28",
      from: "lena",
      to: "otto",
    });
    expect(swap.status).toBe(200);
    const swapped = await as("lena", "GET", `/api/halls/berlin-hall/on-duty?atMs=${at}`);
    expect(
      swapped.body.roles.find((r: any) => r.role === "security").now.people.map((p: any) => p.username),
    ).toEqual(["otto"]);
    const override = await as("kai", "POST", `/api/rosters/${id}/overrides`, {
      role: "security",
      from: "2026-03-29T05:00",
      to: "2026-03-29T08:00",
      usernames: ["kai"],
    });
    expect(override.status).toBe(200);
    const overridden = await as("lena", "GET", `/api/halls/berlin-hall/on-duty?atMs=${at}`);
    expect(
      overridden.body.roles.find((r: any) => r.role === "security").now.people.map((p: any) => p.username),
    ).toEqual(["kai"]);
    expect(
      (
        await as("kai", "POST", `/api/rosters/${id}/overrides`, {
          role: "security",
          date: "2026-03-30",
          usernames: ["ghost"],
        })
      ).status,
    ).toBe(400);
    const roster = (await as("kai", "GET", `/api/rosters/${id}`)).body;
    const removed = await as("kai", "DELETE", `/api/rosters/${id}/overrides/${roster.overrides[0].id}`);
    expect(removed.status).toBe(200);
    expect((await as("kai", "DELETE", `/api/rosters/${id}/swaps/${roster.swaps[0].id}`)).status).toBe(200);
    expect((await as("duty", "GET", `/api/halls/berlin-hall/on-duty?atMs=${at}`)).status).toBe(404);

    const audit = await demo.json("admin", "GET", "/api/audit?limit=100");
    const actions = audit.body.items.filter((e: any) => e.actor === "kai").map((e: any) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "roster_swap_added",
        "roster_override_added",
        "roster_override_removed",
        "roster_swap_removed",
      ]),
    );
  });

  it("gives each person a secret iCalendar feed of their shifts in the hall's zone; a wrong token is 404", async () => {
    const first = await as("kai", "GET", "/api/me/calendar-url");
    expect(first.status).toBe(200);
    expect(first.body.url).toMatch(/\/ical\/[A-Za-z0-9_-]{32,}\.ics$/);
    expect((await as("kai", "GET", "/api/me/calendar-url")).body.url).toBe(first.body.url);
    const feed = await fetch(first.body.url);
    expect(feed.status).toBe(200);
    expect(feed.headers.get("content-type")).toContain("text/calendar");
    const text = await feed.text();
    const events = vevents(text);
    // Kai is duty manager on Wednesdays: the last week and the next eight weeks, one each.
    expect(events).toHaveLength(9);
    expect(events[0]?.SUMMARY).toContain("Berlin Mitte");
    expect(Object.keys(events[0] ?? {})).toContain("DTSTART;TZID=Europe/Berlin");
    expect(events[0]?.["DTSTART;TZID=Europe/Berlin"]).toMatch(/^\d{8}T090000$/);
    expect(events[0]?.["DTEND;TZID=Europe/Berlin"]).toMatch(/^\d{8}T170000$/);

    const lena = await as("lena", "GET", "/api/me/calendar-url");
    expect(lena.body.url).not.toBe(first.body.url);
    const rotated = await as("kai", "POST", "/api/me/calendar-url/rotate");
    expect(rotated.status).toBe(200);
    expect(rotated.body.url).not.toBe(first.body.url);
    const old = await fetch(first.body.url);
    expect(old.status).toBe(404);
    expect(await old.text()).not.toContain("kai");
    expect((await fetch(`${demo.at.httpUrl}/ical/not-a-token.ics`)).status).toBe(404);
    expect((await fetch(rotated.body.url)).status).toBe(200);
  });

  it("gives the demo hall a roster that puts the demo users on duty", async () => {
    const onDuty = await as("floor", "GET", "/api/halls/demo-hall/on-duty");
    expect(onDuty.status).toBe(200);
    const roles = Object.fromEntries(
      onDuty.body.roles.map((r: any) => [r.role, r.now?.people.map((p: any) => p.username)]),
    );
    expect(roles).toMatchObject({ duty_manager: ["duty"], maintenance: ["maint"], security: ["guard"] });
  });
});
