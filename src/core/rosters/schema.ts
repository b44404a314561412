import { DateTime, IANAZone } from "luxon";
import { z } from "zod";

/** Roles a roster names people for (admins are not on duty). */
export const DUTY_ROLES = ["duty_manager", "maintenance", "security", "floor_staff"] as const;
export type DutyRole = (typeof DUTY_ROLES)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "time as HH:MM, 00:00–23:59");
const localDate = z.iso.date();
const localDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/, "local date-time as YYYY-MM-DDTHH:MM");
const username = z.string().min(1).max(64);
const people = z.array(username).max(20);
const timeZone = z.string().refine((zone) => IANAZone.isValidZone(zone), "not a known IANA time zone");

/** A weekly shift: weekdays 1 (Monday) … 7 (Sunday), local start and end; an end not after the start is the next day. */
export const shiftSchema = z
  .object({
    id: z.string().min(1).max(64).optional(),
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    start: hhmm,
    end: hhmm,
    role: z.enum(DUTY_ROLES),
    usernames: people,
  })
  .refine((s) => s.start !== s.end, {
    message: "a shift must not start and end at the same time",
    path: ["end"],
  });
export type Shift = z.infer<typeof shiftSchema> & { id: string };

/** Replaces the people of a role for a whole local date, or from one local date-time to another (end exclusive). */
export const overrideSchema = z
  .object({
    id: z.string().min(1).max(64).optional(),
    role: z.enum(DUTY_ROLES),
    date: localDate.optional(),
    from: localDateTime.optional(),
    to: localDateTime.optional(),
    usernames: people,
    note: z.string().max(200).optional(),
  })
  .refine((o) => (o.date !== undefined) !== (o.from !== undefined && o.to !== undefined), {
    message: "give either date, or from and to",
    path: ["date"],
  })
  .refine((o) => o.from === undefined || o.to === undefined || o.from < o.to, {
    message: "to must be after from",
    path: ["to"],
  });
export type Override = z.infer<typeof overrideSchema> & { id: string };

/** Person `from`'s shifts that start on local `date` are taken by `to` (of one role, or every role). */
export const swapSchema = z
  .object({
    id: z.string().min(1).max(64).optional(),
    date: localDate,
    from: username,
    to: username,
    role: z.enum(DUTY_ROLES).optional(),
    note: z.string().max(200).optional(),
  })
  .refine((s) => s.from !== s.to, { message: "a swap needs two different people", path: ["to"] });
export type Swap = z.infer<typeof swapSchema> & { id: string };

const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

/** Minute intervals of a shift within a week (0 = Monday 00:00), wrapping past Sunday into Monday. */
function weekIntervals(s: z.infer<typeof shiftSchema>): [number, number][] {
  const start = minutes(s.start);
  const end = minutes(s.end) > start ? minutes(s.end) : minutes(s.end) + 1440;
  const week = 7 * 1440;
  return s.weekdays.flatMap((d) => {
    const from = (d - 1) * 1440 + start;
    const to = (d - 1) * 1440 + end;
    return to > week
      ? ([
          [from, week],
          [0, to - week],
        ] as [number, number][])
      : ([[from, to]] as [number, number][]);
  });
}

/** Index pairs of shifts of the same role whose weekly intervals overlap (the later one is flagged). */
export function overlappingShifts(shifts: z.infer<typeof shiftSchema>[]): [number, number][] {
  const found: [number, number][] = [];
  for (let j = 1; j < shifts.length; j++)
    for (let i = 0; i < j; i++) {
      const a = shifts[i];
      const b = shifts[j];
      if (!a || !b || a.role !== b.role) continue;
      const bi = weekIntervals(b);
      if (weekIntervals(a).some(([f, t]) => bi.some(([g, u]) => f < u && g < t))) {
        found.push([i, j]);
        break;
      }
    }
  return found;
}

export const rosterInputSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    hallIds: z.array(z.string().min(1).max(64)).min(1).max(200),
    timeZone,
    shifts: z.array(shiftSchema).max(200),
    overrides: z.array(overrideSchema).max(500).default([]),
    swaps: z.array(swapSchema).max(500).default([]),
  })
  .superRefine((r, ctx) => {
    for (const [i, j] of overlappingShifts(r.shifts))
      ctx.addIssue({
        code: "custom",
        path: ["shifts", j],
        message: `overlaps shift ${i + 1} of the same role on the same day`,
      });
  });
export type RosterInput = z.input<typeof rosterInputSchema>;

export interface Roster {
  id: string;
  name: string;
  hallIds: string[];
  timeZone: string;
  shifts: Shift[];
  overrides: Override[];
  swaps: Swap[];
  updatedMs: number;
  updatedBy: string;
}

/** The local wall time in a zone as an instant (a time skipped by DST moves forward, as luxon does). */
export function localMs(date: string, time: string, zone: string): number {
  return DateTime.fromISO(`${date}T${time}`, { zone }).toMillis();
}

/** A validated input as a stored roster: every shift, override and swap gets a stable id (kept when given). */
export function toRoster(
  input: z.output<typeof rosterInputSchema>,
  meta: { id: string; updatedMs: number; updatedBy: string; newId: () => string },
): Roster {
  const id = <T extends { id?: string | undefined }>(x: T) => ({ ...x, id: x.id ?? meta.newId() });
  return {
    id: meta.id,
    name: input.name,
    hallIds: input.hallIds,
    timeZone: input.timeZone,
    shifts: input.shifts.map(id),
    overrides: input.overrides.map(id),
    swaps: input.swaps.map(id),
    updatedMs: meta.updatedMs,
    updatedBy: meta.updatedBy,
  };
}
