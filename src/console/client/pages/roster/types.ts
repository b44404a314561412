/** The roster as GET /api/rosters sends it. */
export interface Shift {
  id: string;
  weekdays: number[];
  start: string;
  end: string;
  role: string;
  usernames: string[];
}
export interface Override {
  id: string;
  role: string;
  date?: string;
  from?: string;
  to?: string;
  usernames: string[];
  note?: string;
}
export interface Swap {
  id: string;
  date: string;
  from: string;
  to: string;
  role?: string;
}
export interface RosterView {
  id: string;
  name: string;
  hallIds: string[];
  timeZone: string;
  shifts: Shift[];
  overrides: Override[];
  swaps: Swap[];
}
export interface Person {
  username: string;
  displayName: string;
  roles: string[];
}

export const DUTY_ROLES = ["duty_manager", "maintenance", "security", "floor_staff"] as const;
/** ISO weekdays 1 (Monday) … 7 and their codes in i18n/codes.ts. */
export const WEEKDAY_CODES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** The roster as the API takes it back (PUT), with one list changed. */
export const asInput = (r: RosterView, shifts: Shift[] = r.shifts) => ({
  name: r.name,
  hallIds: r.hallIds,
  timeZone: r.timeZone,
  shifts,
  overrides: r.overrides,
  swaps: r.swaps,
});
