import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, Browser, startHallwatch } from "../helpers/hallwatch.js";

const PASSWORD = "Report-Schedules-42";
const schedule = {
  daily: { enabled: true, afterCloseMin: 45 },
  weekly: { enabled: false, time: "08:00" },
  monthly: { enabled: true, day: 2, time: "07:30" },
  dutyManagers: true,
  channelIds: [] as string[],
  hqChannelIds: [] as string[],
};

describe("report schedules over HTTP: the hall's duty manager and admins edit them", () => {
  let app: Awaited<ReturnType<typeof startHallwatch>>;
  const as: Record<string, Browser> = {};
  let channelId = "";
  beforeAll(async () => {
    app = await startHallwatch({}, { now: () => Date.parse("2026-12-01T02:00:00Z") });
    const admin = new Browser(app.url);
    await admin.signIn("admin", ADMIN_PASSWORD);
    as.admin = admin;
    for (const id of ["east", "west"])
      expect(
        (await admin.json("POST", "/api/halls", { id, name: id, timeZone: "Asia/Shanghai" })).status,
      ).toBe(200);
    const users = [
      { username: "duty-east", roles: ["duty_manager"], halls: ["east"] },
      { username: "floor-east", roles: ["floor_staff"], halls: ["east"] },
    ];
    for (const u of users) {
      const created = await admin.json("POST", "/api/users", {
        ...u,
        displayName: u.username,
        password: PASSWORD,
      });
      expect(created.status).toBe(200);
      as[u.username] = new Browser(app.url);
      expect((await as[u.username]!.signIn(u.username, PASSWORD)).status).toBe(200);
    }
    const channel = await admin.json("POST", "/api/notify/channels", {
      name: "east group",
      config: { type: "wecom", url: "http://127.0.0.1:9/wecom" },
    });
    channelId = channel.body.id;
  });
  afterAll(async () => {
    await app.stop();
  });

  it("shows the defaults while none is stored", async () => {
    const got = await as["duty-east"]!.json("GET", "/api/halls/east/report-schedule");
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      hallId: "east",
      stored: false,
      timeZone: "Asia/Shanghai",
      schedule: { daily: { enabled: true, afterCloseMin: 30 }, monthly: { day: 1, time: "08:00" } },
    });
    expect(got.body.next.month).toBe("2027-01-01T00:00:00.000Z");
  });

  it("lets the hall's duty manager save a schedule, audited", async () => {
    const put = await as["duty-east"]!.json("PUT", "/api/halls/east/report-schedule", {
      ...schedule,
      channelIds: [channelId],
    });
    expect(put.status).toBe(200);
    const got = await as["duty-east"]!.json("GET", "/api/halls/east/report-schedule");
    expect(got.body).toMatchObject({ stored: true, schedule: { ...schedule, channelIds: [channelId] } });
    expect(got.body.next.week).toBeNull();
    expect(got.body.next.month).toBe("2026-12-01T23:30:00.000Z");
    const audit = await as.admin!.json("GET", "/api/audit?actor=duty-east");
    expect(audit.body.items[0]).toMatchObject({ action: "report_schedule_changed", target: "east" });
  });

  it("refuses floor staff and the duty manager of another hall (403)", async () => {
    const floor = await as["floor-east"]!.json("PUT", "/api/halls/east/report-schedule", schedule);
    expect(floor.status).toBe(403);
    expect(floor.body.error.code).toBe("forbidden");
    const other = await as["duty-east"]!.json("PUT", "/api/halls/west/report-schedule", schedule);
    expect(other.status).toBe(403);
    const unsigned = await fetch(`${app.url}/api/halls/east/report-schedule`);
    expect(unsigned.status).toBe(401);
  });

  it("explains invalid input: which field and why; unknown channels too", async () => {
    const bad = await as["duty-east"]!.json("PUT", "/api/halls/east/report-schedule", {
      ...schedule,
      monthly: { enabled: true, day: 5, time: "8 am" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("bad_request");
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      "/monthly/day",
      "/monthly/time",
    ]);
    const unknown = await as["duty-east"]!.json("PUT", "/api/halls/east/report-schedule", {
      ...schedule,
      hqChannelIds: ["no-such-channel"],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe("unknown_channel");
  });
});
