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
  for (const date of localDates(zone, fromMs, toMs)) {
    const weekday = DateTime.fromISO(date, { zone }).weekday;
    const next = DateTime.fromISO(date, { zone }).plus({ days: 1 }).toISODate() as string;
    for (const shift of roster.shifts) {
      if (!shift.weekdays.includes(weekday)) continue;
      const startMs = localMs(date, shift.start, zone);
      const endMs = localMs(shift.end > shift.start ? date : next, shift.end, zone);
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
