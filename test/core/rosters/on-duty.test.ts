import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  currentAndNext,
  type Roster,
  RosterDutyLookup,
  rosterInputSchema,
  shiftsOf,
  toRoster,
} from "../../../src/core/rosters/index.js";

let ids = 0;
const roster = (zone: string, input: Record<string, unknown>): Roster =>
  toRoster(rosterInputSchema.parse({ name: "r", hallIds: ["h1"], timeZone: zone, shifts: [], ...input }), {
    id: "r1",
    updatedMs: 0,
    updatedBy: "admin",
    newId: () => `x${++ids}`,
  });
const local = (zone: string) => (iso: string) => DateTime.fromISO(iso, { zone }).toMillis();
const utc = (iso: string) => DateTime.fromISO(iso, { zone: "UTC" }).toMillis();

const SH = "Asia/Shanghai";
const sh = local(SH);
const dayAndNight = roster(SH, {
  shifts: [
    { weekdays: [1, 2, 3, 4, 5, 6, 7], start: "09:00", end: "18:00", role: "duty_manager", usernames: ["b"] },
    { weekdays: [1, 2, 3, 4, 5, 6, 7], start: "18:00", end: "09:00", role: "duty_manager", usernames: ["a"] },
    { weekdays: [2], start: "08:00", end: "12:00", role: "maintenance", usernames: ["m"] },
  ],
});

describe("who is on duty (Asia/Shanghai)", () => {
  const duty = new RosterDutyLookup(() => [dayAndNight]);

  it("hands over at the shift boundary: 08:59:59 → A, 09:00 → B (end exclusive)", () => {
    expect(duty.onDuty("h1", "duty_manager", sh("2026-12-01T08:59:59"))).toEqual(["a"]);
    expect(duty.onDuty("h1", "duty_manager", sh("2026-12-01T09:00:00"))).toEqual(["b"]);
    expect(duty.onDuty("h1", "duty_manager", sh("2026-12-01T17:59:59.999"))).toEqual(["b"]);
    expect(duty.onDuty("h1", "duty_manager", sh("2026-12-01T18:00"))).toEqual(["a"]);
  });

  it("an overnight shift covers the small hours of the next day, and only its weekdays", () => {
    expect(duty.onDuty("h1", "duty_manager", sh("2026-12-02T03:00"))).toEqual(["a"]);
    expect(duty.onDuty("h1", "maintenance", sh("2026-12-01T11:59"))).toEqual(["m"]); // Tuesday
    expect(duty.onDuty("h1", "maintenance", sh("2026-12-02T11:00"))).toEqual([]); // Wednesday
    expect(duty.onDuty("h2", "duty_manager", sh("2026-12-01T11:00"))).toEqual([]); // not this roster's hall
  });

  it("a dated override replaces the role's people for the day or a range", () => {
    const r = roster(SH, {
      ...dayAndNight,
      overrides: [
        { id: "o1", role: "duty_manager", date: "2026-12-03", usernames: ["c"] },
        {
          id: "o2",
          role: "duty_manager",
          from: "2026-12-05T12:00",
          to: "2026-12-05T14:00",
          usernames: ["d"],
        },
      ],
    });
    const d = new RosterDutyLookup(() => [r]);
    expect(d.onDuty("h1", "duty_manager", sh("2026-12-02T23:59"))).toEqual(["a"]);
    expect(d.onDuty("h1", "duty_manager", sh("2026-12-03T00:00"))).toEqual(["c"]);
    expect(d.onDuty("h1", "duty_manager", sh("2026-12-03T20:00"))).toEqual(["c"]);
    expect(d.onDuty("h1", "duty_manager", sh("2026-12-04T00:00"))).toEqual(["a"]);
    expect(d.onDuty("h1", "duty_manager", sh("2026-12-05T13:59"))).toEqual(["d"]);
    expect(d.onDuty("h1", "duty_manager", sh("2026-12-05T14:00"))).toEqual(["b"]);
  });

  it("a swap gives A's shift of one date to B (the overnight part too), other dates unchanged", () => {
    const r = roster(SH, { ...dayAndNight, swaps: [{ id: "s1", date: "2026-12-01", from: "a", to: "z" }] });
    const d = new RosterDutyLookup(() => [r]);
    expect(d.onDuty("h1", "duty_manager", sh("2026-12-01T08:00"))).toEqual(["a"]); // Monday's night shift
    expect(d.onDuty("h1", "duty_manager", sh("2026-12-01T19:00"))).toEqual(["z"]);
    expect(d.onDuty("h1", "duty_manager", sh("2026-12-02T08:59"))).toEqual(["z"]);
    expect(d.onDuty("h1", "duty_manager", sh("2026-12-02T19:00"))).toEqual(["a"]);
  });

  it("gives the current and next shift per role", () => {
    const { now, next } = currentAndNext([dayAndNight], "h1", "duty_manager", sh("2026-12-01T10:00"));
    expect(now).toEqual({ fromMs: sh("2026-12-01T09:00"), toMs: sh("2026-12-01T18:00"), usernames: ["b"] });
    expect(next).toEqual({ fromMs: sh("2026-12-01T18:00"), toMs: sh("2026-12-02T09:00"), usernames: ["a"] });
    const m = currentAndNext([dayAndNight], "h1", "maintenance", sh("2026-12-01T13:00"));
    expect(m.now).toBeNull();
    expect(m.next).toEqual({
      fromMs: sh("2026-12-08T08:00"),
      toMs: sh("2026-12-08T12:00"),
      usernames: ["m"],
    });
  });

  it("lists a person's shifts between two instants", () => {
    const shifts = shiftsOf([dayAndNight], "b", sh("2026-12-01T00:00"), sh("2026-12-03T00:00"));
    expect(shifts.map((s) => [s.role, s.startMs, s.endMs])).toEqual([
      ["duty_manager", sh("2026-12-01T09:00"), sh("2026-12-01T18:00")],
      ["duty_manager", sh("2026-12-02T09:00"), sh("2026-12-02T18:00")],
    ]);
    expect(shifts[0]?.timeZone).toBe(SH);
  });
});

describe("across Berlin's DST changes", () => {
  const BE = "Europe/Berlin";
  const be = local(BE);
  const r = roster(BE, {
    shifts: [
      {
        weekdays: [1, 2, 3, 4, 5, 6, 7],
        start: "22:00",
        end: "06:00",
        role: "security",
        usernames: ["night"],
      },
      { weekdays: [1, 2, 3, 4, 5, 6, 7], start: "06:00", end: "22:00", role: "security", usernames: ["day"] },
    ],
  });
  const d = new RosterDutyLookup(() => [r]);

  it("spring forward, 29 Mar 2026: the night shift is 7 h and hands over at 06:00 local (04:00 UTC)", () => {
    expect(d.onDuty("h1", "security", utc("2026-03-29T03:59:59"))).toEqual(["night"]);
    expect(d.onDuty("h1", "security", utc("2026-03-29T04:00:00"))).toEqual(["day"]);
    expect(d.onDuty("h1", "security", be("2026-03-29T01:30"))).toEqual(["night"]);
    const night = shiftsOf([r], "night", be("2026-03-28T12:00"), be("2026-03-29T12:00"));
    expect(night).toHaveLength(1);
    expect((night[0]!.endMs - night[0]!.startMs) / 3_600_000).toBe(7);
  });

  it("fall back, 25 Oct 2026: the night shift is 9 h and hands over at 06:00 local (05:00 UTC)", () => {
    expect(d.onDuty("h1", "security", utc("2026-10-25T04:59:59"))).toEqual(["night"]);
    expect(d.onDuty("h1", "security", utc("2026-10-25T05:00:00"))).toEqual(["day"]);
    const night = shiftsOf([r], "night", be("2026-10-24T12:00"), be("2026-10-25T12:00"));
    expect((night[0]!.endMs - night[0]!.startMs) / 3_600_000).toBe(9);
    const { now, next } = currentAndNext([r], "h1", "security", utc("2026-10-25T01:30"));
    expect(now?.toMs).toBe(utc("2026-10-25T05:00"));
    expect(next?.usernames).toEqual(["day"]);
  });
});

describe("validation", () => {
  const base = { name: "r", hallIds: ["h1"], timeZone: SH };
  it("refuses bad times, an unknown zone and a shift of zero length", () => {
    for (const shift of [
      { weekdays: [1], start: "25:00", end: "09:00", role: "security", usernames: ["a"] },
      { weekdays: [1], start: "9:00", end: "10:00", role: "security", usernames: ["a"] },
      { weekdays: [8], start: "09:00", end: "10:00", role: "security", usernames: ["a"] },
      { weekdays: [1], start: "09:00", end: "09:00", role: "security", usernames: ["a"] },
      { weekdays: [1], start: "09:00", end: "10:00", role: "admin", usernames: ["a"] },
    ])
      expect(rosterInputSchema.safeParse({ ...base, shifts: [shift] }).success).toBe(false);
    expect(rosterInputSchema.safeParse({ ...base, timeZone: "Mars/Base", shifts: [] }).success).toBe(false);
  });

  it("flags overlapping shifts of the same role on the same day, including an overnight spill", () => {
    const overlap = rosterInputSchema.safeParse({
      ...base,
      shifts: [
        { weekdays: [1, 2], start: "08:00", end: "12:00", role: "security", usernames: ["a"] },
        { weekdays: [2], start: "11:00", end: "15:00", role: "security", usernames: ["b"] },
        { weekdays: [2], start: "11:00", end: "15:00", role: "maintenance", usernames: ["b"] },
      ],
    });
    expect(overlap.success).toBe(false);
    expect(overlap.error?.issues.map((i) => i.path.join("."))).toEqual(["shifts.1"]);
    const spill = rosterInputSchema.safeParse({
      ...base,
      shifts: [
        { weekdays: [1], start: "22:00", end: "07:00", role: "security", usernames: ["a"] },
        { weekdays: [2], start: "06:00", end: "14:00", role: "security", usernames: ["b"] },
      ],
    });
    expect(spill.success).toBe(false);
  });
});
