import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import type { Override, Roster, RosterInput, Swap } from "../core/rosters/index.js";
import { rosterInputSchema, toRoster } from "../core/rosters/index.js";
import type { Db } from "./database.js";

interface Row {
  id: string;
  name: string;
  hall_ids_json: string;
  time_zone: string;
  shifts_json: string;
  overrides_json: string;
  swaps_json: string;
  updated_ms: number;
  updated_by: string;
}

const toRosterRow = (r: Row): Roster => ({
  id: r.id,
  name: r.name,
  hallIds: JSON.parse(r.hall_ids_json) as string[],
  timeZone: r.time_zone,
  shifts: JSON.parse(r.shifts_json) as Roster["shifts"],
  overrides: JSON.parse(r.overrides_json) as Roster["overrides"],
  swaps: JSON.parse(r.swaps_json) as Roster["swaps"],
  updatedMs: r.updated_ms,
  updatedBy: r.updated_by,
});

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Duty rosters (a deleted roster is kept, marked) and each person's calendar-feed token (kept as a hash). */
export class RosterStore {
  constructor(
    private readonly db: Db,
    /** Derives each person's feed token from their salt, so the URL can be shown again without storing it. */
    private readonly feedKey: Buffer,
  ) {}

  list(): Roster[] {
    return (
      this.db.prepare("SELECT * FROM rosters WHERE deleted_ms IS NULL ORDER BY name, id").all() as Row[]
    ).map(toRosterRow);
  }

  get(id: string): Roster | null {
    const row = this.db.prepare("SELECT * FROM rosters WHERE id = ? AND deleted_ms IS NULL").get(id) as
      | Row
      | undefined;
    return row ? toRosterRow(row) : null;
  }

  /** Creates (no id) or replaces a roster from a validated input; shifts, overrides and swaps keep given ids. */
  save(input: RosterInput, by: string, nowMs: number, id?: string): Roster {
    const roster = toRoster(rosterInputSchema.parse(input), {
      id: id ?? randomUUID(),
      updatedMs: nowMs,
      updatedBy: by,
      newId: () => randomUUID().slice(0, 8),
    });
    this.db
      .prepare(
        `INSERT INTO rosters (id, name, hall_ids_json, time_zone, shifts_json, overrides_json, swaps_json, updated_ms, updated_by)
         VALUES (@id, @name, @hallIds, @timeZone, @shifts, @overrides, @swaps, @updatedMs, @updatedBy)
         ON CONFLICT(id) DO UPDATE SET name = @name, hall_ids_json = @hallIds, time_zone = @timeZone,
           shifts_json = @shifts, overrides_json = @overrides, swaps_json = @swaps, updated_ms = @updatedMs,
           updated_by = @updatedBy`,
      )
      .run({
        ...roster,
        hallIds: JSON.stringify(roster.hallIds),
        shifts: JSON.stringify(roster.shifts),
        overrides: JSON.stringify(roster.overrides),
        swaps: JSON.stringify(roster.swaps),
      });
    return roster;
  }

  /** Marks a roster deleted (kept for the record); the roster as it was, or null. */
  remove(id: string, nowMs: number): Roster | null {
    const roster = this.get(id);
    if (roster) this.db.prepare("UPDATE rosters SET deleted_ms = ? WHERE id = ?").run(nowMs, id);
    return roster;
  }

  /** The roster as an input, for edits that add or drop one override or swap. */
  static asInput(r: Roster, overrides: Override[] = r.overrides, swaps: Swap[] = r.swaps): RosterInput {
    return { name: r.name, hallIds: r.hallIds, timeZone: r.timeZone, shifts: r.shifts, overrides, swaps };
  }

  private token(username: string, salt: string): string {
    return createHmac("sha256", this.feedKey).update(`${username}\n${salt}`).digest("base64url");
  }

  /** The person's feed token, created on first use. */
  feedToken(username: string, nowMs: number): string {
    const row = this.db.prepare("SELECT salt FROM calendar_feeds WHERE username = ?").get(username) as
      | { salt: string }
      | undefined;
    return row ? this.token(username, row.salt) : this.rotateFeedToken(username, nowMs);
  }

  /** A new token for the person; the old one stops working at once. */
  rotateFeedToken(username: string, nowMs: number): string {
    const salt = randomBytes(16).toString("base64url");
    const token = this.token(username, salt);
    this.db
      .prepare(
        `INSERT INTO calendar_feeds (username, salt, token_hash, created_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT(username) DO UPDATE SET salt = excluded.salt, token_hash = excluded.token_hash,
           created_ms = excluded.created_ms`,
      )
      .run(username, salt, sha256(token), nowMs);
    return token;
  }

  /** Whose feed a token opens, or null. */
  feedOwner(token: string): string | null {
    const row = this.db
      .prepare("SELECT username FROM calendar_feeds WHERE token_hash = ?")
      .get(sha256(token)) as { username: string } | undefined;
    return row?.username ?? null;
  }
}
