import { DateTime } from "luxon";
import type { DutyRole, Roster } from "./schema.js";
import { localMs } from "./schema.js";

/** One shift as it happens: [startMs, endMs) with its people after swaps. */
export interface Occurrence {
  role: DutyRole;
  startMs: number;
  endMs: number;
  usernames: string[];
  /** Local date the shift starts on. */
  date: string;
}

const DAY_MS = 86_400_000;

/** Local dates (YYYY-MM-DD) in the roster's zone from one day before `fromMs` to `toMs`. */
function localDates(zone: string, fromMs: number, toMs: number): string[] {
  const dates: string[] = [];
  let d = DateTime.fromMillis(fromMs - DAY_MS, { zone }).startOf("day");
  const last = DateTime.fromMillis(toMs, { zone }).startOf("day");
  while (d <= last) {
    dates.push(d.toISODate() as string);
    d = d.plus({ days: 1 });
  }
  return dates;
}

/** Shift occurrences of a roster that overlap [fromMs, toMs), with swaps applied. */
export function occurrences(roster: Roster, fromMs: number, toMs: number): Occurrence[] {
  const zone = roster.timeZone;
  const found: Occurrence[] = [];
  // Zone arithmetic is the slow part: each local date-time is converted once per call.
  const instants = new Map<string, number>();
  const at = (date: string, time: string) => {
    const key = `${date}T${time}`;
    let ms = instants.get(key);
    if (ms === undefined) {
      ms = localMs(date, time, zone);
      instants.set(key, ms);
    }
    return ms;
  };
  for (const date of localDates(zone, fromMs, toMs)) {
    const day = DateTime.fromISO(date, { zone: "UTC" });
    const weekday = day.weekday;
    const next = day.plus({ days: 1 }).toISODate() as string;
    for (const shift of roster.shifts) {
      if (!shift.weekdays.includes(weekday)) continue;
      const startMs = at(date, shift.start);
      const endMs = at(shift.end > shift.start ? date : next, shift.end);
      if (endMs <= fromMs || startMs >= toMs) continue;
      const swaps = roster.swaps.filter(
        (s) => s.date === date && (s.role === undefined || s.role === shift.role),
      );
      const usernames = shift.usernames.map((u) => swaps.find((s) => s.from === u)?.to ?? u);
      found.push({ role: shift.role, startMs, endMs, usernames: [...new Set(usernames)], date });
    }
  }
  return found;
}

/** Overrides as instants: [startMs, endMs) replacing a role's people; later overrides win over earlier ones. */
export function overrideIntervals(
  roster: Roster,
): { role: DutyRole; startMs: number; endMs: number; usernames: string[] }[] {
  const zone = roster.timeZone;
  return roster.overrides.map((o) => {
    if (o.date !== undefined) {
      const day = DateTime.fromISO(o.date, { zone });
      return {
        role: o.role,
        startMs: day.toMillis(),
        endMs: day.plus({ days: 1 }).toMillis(),
        usernames: o.usernames,
      };
    }
    return {
      role: o.role,
      startMs: DateTime.fromISO(o.from as string, { zone }).toMillis(),
      endMs: DateTime.fromISO(o.to as string, { zone }).toMillis(),
      usernames: o.usernames,
    };
  });
}
