import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, Browser, startHallwatch } from "../helpers/hallwatch.js";
import { waitFor } from "../helpers/wait.js";
import { overheat } from "../notify/fixtures.js";
import { Contacts, localSenders, peopleParts, recipientOf } from "../notify/people-parts.js";
import { startSmtpReceiver } from "../notify/receivers.js";

const PASSWORD = "Lantern-Queue-Nine-7";
const everyDay = [1, 2, 3, 4, 5, 6, 7];

/**
 * Issue 14, "a roster test across a shift change and a DST day: the right person is notified": a roster saved over
 * the API (the server's own DutyLookup, not a test double) decides who is told, on the hall's clock, on the day
 * Berlin's clocks go forward (29 Mar 2026, 02:00 CET → 03:00 CEST).
 */
describe("the roster decides who is notified, across a shift change on a DST day", () => {
  let t = 0;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let hw: Awaited<ReturnType<typeof startHallwatch>>;
  let n = 0;
  /** Raises an alert at `iso` (UTC) in the Berlin hall; resolves with who was told, as `username:medium`. */
  const toldAt = async (iso: string): Promise<string[]> => {
    t = Date.parse(iso);
    n += 1;
    const key = `berlin/device/c${n}/overheat`;
    const before = smtp.mails.length;
    const alert = hw.server.alerts.reconcileExternal(
      key,
      overheat({ hallId: "berlin", key, deviceId: `c${n}`, affected: [`c${n}`], agentId: `berlin-c${n}` }),
    );
    if (!alert) throw new Error("no alert");
    await waitFor(() => smtp.mails.length > before, `a notice of the alert at ${iso}`);
    await hw.server.people?.idle();
    await hw.server.dispatcher.deliverDue();
    return smtp.mails.slice(before).map(recipientOf).sort();
  };

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    hw = await startHallwatch(
      { publicUrl: "https://hw.example.org", notify: { groupWindowMs: 0 } },
      {
        now: () => t,
        people: peopleParts(
          // The server's own roster view answers: what the roster API saved is what routing reads.
          { onDuty: (hallId, role, atMs) => hw.server.duty.onDuty(hallId, role, atMs) },
          new Contacts({ lena: { media: ["email"] }, otto: { media: ["email"] } }),
          localSenders(smtp.port),
        ),
      },
    );
    t = Date.parse("2026-03-27T12:00:00Z");
    const admin = new Browser(hw.url);
    expect((await admin.signIn("admin", ADMIN_PASSWORD)).status).toBe(200);
    const hall = await admin.json("POST", "/api/halls", {
      id: "berlin",
      name: "Berlin Mitte",
      timeZone: "Europe/Berlin",
    });
    expect(hall.status).toBe(200);
    for (const username of ["lena", "otto"]) {
      const created = await admin.json("POST", "/api/users", {
        username,
        displayName: username,
        password: PASSWORD,
        roles: ["security"],
        halls: ["berlin"],
        language: "en",
      });
      expect(created.status).toBe(200);
    }
    const roster = await admin.json("POST", "/api/rosters", {
      name: "Berlin security",
      hallIds: ["berlin"],
      timeZone: "Europe/Berlin",
      shifts: [
        { weekdays: everyDay, start: "22:00", end: "06:00", role: "security", usernames: ["lena"] },
        { weekdays: everyDay, start: "06:00", end: "22:00", role: "security", usernames: ["otto"] },
      ],
    });
    expect(roster.status).toBe(200);
  });
  afterAll(async () => {
    await hw?.stop();
    await smtp?.close();
  });

  it("on an ordinary day the night guard hands over at 06:00 CET (05:00 UTC)", async () => {
    expect(await toldAt("2026-03-28T04:59:00Z")).toEqual(["lena:email"]);
    expect(await toldAt("2026-03-28T05:00:00Z")).toEqual(["otto:email"]);
  });

  it("on the day the clocks go forward the hand-overs follow the hall's clock: 06:00 and 22:00 CEST", async () => {
    expect(await toldAt("2026-03-29T03:59:00Z")).toEqual(["lena:email"]); // 05:59 CEST
    expect(await toldAt("2026-03-29T04:30:00Z")).toEqual(["otto:email"]); // 06:30 CEST (05:30 on a CET clock)
    expect(await toldAt("2026-03-29T19:59:00Z")).toEqual(["otto:email"]); // 21:59 CEST
    expect(await toldAt("2026-03-29T20:30:00Z")).toEqual(["lena:email"]); // 22:30 CEST (21:30 on a CET clock)
  });
});
