import type { Role } from "../faults/types.js";
import { type Occurrence, occurrences, overrideIntervals } from "./occurrences.js";
import type { DutyRole, Roster } from "./schema.js";

/** A stretch of time with the same people on duty for a role: [fromMs, toMs). */
export interface DutySpan {
  fromMs: number;
  toMs: number;
  usernames: string[];
}

const DAY_MS = 86_400_000;

/** Who one roster puts on duty for a role at an instant: an override if one covers it, else the shifts. */
function rosterOnDuty(roster: Roster, role: DutyRole, atMs: number, shifts: Occurrence[]): string[] {
  const overrides = overrideIntervals(roster).filter(
    (o) => o.role === role && o.startMs <= atMs && atMs < o.endMs,
  );
  const last = overrides.at(-1);
  if (last) return [...last.usernames];
  return shifts
    .filter((s) => s.role === role && s.startMs <= atMs && atMs < s.endMs)
    .flatMap((s) => s.usernames);
}

const covering = (rosters: readonly Roster[], hallId: string) =>
  rosters.filter((r) => r.hallIds.includes(hallId));
const unique = (names: string[]) => [...new Set(names)].sort();

/** Everyone on duty for a hall and role at an instant, over all rosters that cover the hall. */
export function onDutyAt(rosters: readonly Roster[], hallId: string, role: Role, atMs: number): string[] {
  if (role === "admin") return [];
  return unique(
    covering(rosters, hallId).flatMap((r) => rosterOnDuty(r, role, atMs, occurrences(r, atMs, atMs + 1))),
  );
}

/** Instants in [fromMs, toMs) where who is on duty for a role may change. */
function boundaries(
  rosters: readonly Roster[],
  shifts: Map<string, Occurrence[]>,
  role: DutyRole,
  fromMs: number,
  toMs: number,
): number[] {
  const points = new Set<number>([fromMs]);
  for (const r of rosters) {
    for (const o of shifts.get(r.id) ?? []) if (o.role === role) points.add(o.startMs).add(o.endMs);
    for (const o of overrideIntervals(r)) if (o.role === role) points.add(o.startMs).add(o.endMs);
  }
  return [...points].filter((p) => p >= fromMs && p < toMs).sort((a, b) => a - b);
}

/** Spans with the same people for a role in [fromMs, toMs), merged where the people stay the same. */
export function dutySpans(
  rosters: readonly Roster[],
  role: DutyRole,
  fromMs: number,
  toMs: number,
  shifts = new Map(rosters.map((r) => [r.id, occurrences(r, fromMs, toMs)])),
): DutySpan[] {
  const spans: DutySpan[] = [];
  const points = boundaries(rosters, shifts, role, fromMs, toMs);
  points.forEach((startMs, i) => {
    const endMs = points[i + 1] ?? toMs;
    const usernames = unique(rosters.flatMap((r) => rosterOnDuty(r, role, startMs, shifts.get(r.id) ?? [])));
    const prev = spans.at(-1);
    if (prev && prev.usernames.join("\n") === usernames.join("\n")) prev.toMs = endMs;
    else spans.push({ fromMs: startMs, toMs: endMs, usernames });
  });
  return spans;
}

/** A span as current/next reports it: `toMs` null when it lasts past the horizon looked at (no change ahead). */
export type DutyWindow = Omit<DutySpan, "toMs"> & { toMs: number | null };

/** The span on duty now (null when nobody) and the next one with people after it, looking 2 days back and 15 ahead. */
export function currentAndNext(
  rosters: readonly Roster[],
  hallId: string,
  role: DutyRole,
  atMs: number,
): { now: DutyWindow | null; next: DutyWindow | null } {
  const horizonMs = atMs + 15 * DAY_MS;
  const spans = dutySpans(covering(rosters, hallId), role, atMs - 2 * DAY_MS, horizonMs);
  const open = (s: DutySpan): DutyWindow => ({ ...s, toMs: s.toMs >= horizonMs ? null : s.toMs });
  const index = spans.findIndex((s) => s.fromMs <= atMs && atMs < s.toMs);
  const current = spans[index];
  const now = current && current.usernames.length > 0 ? open(current) : null;
  const next = spans.slice(index + 1).find((s) => s.usernames.length > 0);
  return { now, next: next ? open(next) : null };
}

const mentions = (r: Roster, username: string) =>
  r.shifts.some((s) => s.usernames.includes(username)) ||
  r.overrides.some((o) => o.usernames.includes(username)) ||
  r.swaps.some((s) => s.to === username);

/** One of a person's shifts, for their calendar. */
export interface PersonShift {
  rosterId: string;
  rosterName: string;
  hallIds: string[];
  timeZone: string;
  role: DutyRole;
  startMs: number;
  endMs: number;
}

/** A person's time on duty between two instants, per roster and role (overrides and swaps applied). */
export function shiftsOf(
  rosters: readonly Roster[],
  username: string,
  fromMs: number,
  toMs: number,
): PersonShift[] {
  const found: PersonShift[] = [];
  for (const r of rosters) {
    if (!mentions(r, username)) continue;
    const shifts = new Map([[r.id, occurrences(r, fromMs, toMs)]]);
    for (const role of new Set([...r.shifts.map((s) => s.role), ...r.overrides.map((o) => o.role)]))
      for (const span of dutySpans([r], role, fromMs, toMs, shifts))
        if (span.usernames.includes(username))
          found.push({
            rosterId: r.id,
            rosterName: r.name,
            hallIds: r.hallIds,
            timeZone: r.timeZone,
            role,
            startMs: span.fromMs,
            endMs: span.toMs,
          });
  }
  return found.sort((a, b) => a.startMs - b.startMs);
}
