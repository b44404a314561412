import type { RosterInput } from "../core/rosters/index.js";
import type { RosterPort } from "../store/rosters.js";

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

/**
 * The demo hall's roster: its duty manager, maintenance, security and floor users are on duty around the clock
 * (two 12-hour shifts a day each), so personal routing and escalation reach someone in the demo at any hour.
 */
export function demoRoster(hallId: string, timeZone: string): RosterInput {
  const roles = [
    ["duty_manager", "duty"],
    ["maintenance", "maint"],
    ["security", "guard"],
    ["floor_staff", "floor"],
  ] as const;
  return {
    name: "演示大厅值班表 Demo hall roster",
    hallIds: [hallId],
    timeZone,
    shifts: roles.flatMap(([role, username]) => [
      { weekdays: EVERY_DAY, start: "08:00", end: "20:00", role, usernames: [username] },
      { weekdays: EVERY_DAY, start: "20:00", end: "08:00", role, usernames: [username] },
    ]),
  };
}

/** Creates the demo roster once; a roster the demo's users edited since is left as it is. */
export async function ensureDemoRoster(
  store: RosterPort,
  hallId: string,
  timeZone: string,
  nowMs: number,
): Promise<void> {
  if ((await store.list()).some((r) => r.hallIds.includes(hallId))) return;
  await store.save(demoRoster(hallId, timeZone), "demo", nowMs);
}
