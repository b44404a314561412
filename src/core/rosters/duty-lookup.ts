import type { DutyLookup } from "../../notify/people/ports.js";
import type { Role } from "../faults/types.js";
import { onDutyAt } from "./on-duty.js";
import type { Roster } from "./schema.js";

/** The rosters' side of personal routing: who is on duty, read from whatever rosters the source gives now. */
export class RosterDutyLookup implements DutyLookup {
  constructor(private readonly rosters: () => readonly Roster[]) {}

  onDuty(hallId: string, role: Role, atMs: number): string[] {
    return onDutyAt(this.rosters(), hallId, role, atMs);
  }
}
