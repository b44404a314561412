import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import type { Override, Roster, RosterInput, Swap } from "../core/rosters/index.js";
import { rosterInputSchema, toRoster } from "../core/rosters/index.js";
import type { SqlEngine } from "./sql/engine.js";

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

/** Duty rosters and each person's calendar-feed token, as the API and the duty view use them. */
export interface RosterPort {
  /** Live rosters by name then id (byte order, the same on every engine). */
  list(): Promise<Roster[]>;
  get(id: string): Promise<Roster | null>;
  save(input: RosterInput, by: string, nowMs: number, id?: string): Promise<Roster>;
  remove(id: string, nowMs: number): Promise<Roster | null>;
  feedToken(username: string, nowMs: number): Promise<string>;
  rotateFeedToken(username: string, nowMs: number): Promise<string>;
  feedOwner(token: string): Promise<string | null>;
}

const byNameThenId = (a: Roster, b: Roster) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** Duty rosters (a deleted roster is kept, marked) and each person's calendar-feed token (kept as a hash). */
export class RosterStore implements RosterPort {
  constructor(
    private readonly sql: SqlEngine,
    /** Derives each person's feed token from their salt, so the URL can be shown again without storing it. */
    private readonly feedKey: Buffer,
  ) {}

  async list(): Promise<Roster[]> {
    const rows = await this.sql.all<Row>("SELECT * FROM rosters WHERE deleted_ms IS NULL");
    // Sorted here: PostgreSQL's text order follows its collation, SQLite's is bytewise.
    return rows.map(toRosterRow).sort(byNameThenId);
  }

  async get(id: string): Promise<Roster | null> {
    const row = await this.sql.get<Row>("SELECT * FROM rosters WHERE id = ? AND deleted_ms IS NULL", [id]);
    return row ? toRosterRow(row) : null;
  }

  /** Creates (no id) or replaces a roster from a validated input; shifts, overrides and swaps keep given ids. */
  async save(input: RosterInput, by: string, nowMs: number, id?: string): Promise<Roster> {
    const roster = toRoster(rosterInputSchema.parse(input), {
      id: id ?? randomUUID(),
      updatedMs: nowMs,
      updatedBy: by,
      newId: () => randomUUID().slice(0, 8),
    });
    await this.sql.run(
      `INSERT INTO rosters (id, name, hall_ids_json, time_zone, shifts_json, overrides_json, swaps_json, updated_ms, updated_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, hall_ids_json = excluded.hall_ids_json,
         time_zone = excluded.time_zone, shifts_json = excluded.shifts_json, overrides_json = excluded.overrides_json,
         swaps_json = excluded.swaps_json, updated_ms = excluded.updated_ms, updated_by = excluded.updated_by`,
      [
        roster.id,
        roster.name,
        JSON.stringify(roster.hallIds),
        roster.timeZone,
        JSON.stringify(roster.shifts),
        JSON.stringify(roster.overrides),
        JSON.stringify(roster.swaps),
        roster.updatedMs,
        roster.updatedBy,
      ],
    );
    return roster;
  }

  /** Marks a roster deleted (kept for the record); the roster as it was, or null. */
  async remove(id: string, nowMs: number): Promise<Roster | null> {
    const row = await this.sql.get<Row>(
      "UPDATE rosters SET deleted_ms = ? WHERE id = ? AND deleted_ms IS NULL RETURNING *",
      [nowMs, id],
    );
    return row ? toRosterRow(row) : null;
  }

  /** The roster as an input, for edits that add or drop one override or swap. */
  static asInput(r: Roster, overrides: Override[] = r.overrides, swaps: Swap[] = r.swaps): RosterInput {
    return { name: r.name, hallIds: r.hallIds, timeZone: r.timeZone, shifts: r.shifts, overrides, swaps };
  }

  private token(username: string, salt: string): string {
    return createHmac("sha256", this.feedKey).update(`${username}\n${salt}`).digest("base64url");
  }

  /** The person's feed token, created on first use. */
  async feedToken(username: string, nowMs: number): Promise<string> {
    const salt = randomBytes(16).toString("base64url");
    // Two first calls at once (two nodes, two tabs) must agree: the first salt written wins.
    await this.sql.run(
      `INSERT INTO calendar_feeds (username, salt, token_hash, created_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (username) DO NOTHING`,
      [username, salt, sha256(this.token(username, salt)), nowMs],
    );
    const row = await this.sql.get<{ salt: string }>("SELECT salt FROM calendar_feeds WHERE username = ?", [
      username,
    ]);
    if (!row) throw new Error(`calendar feed of ${username} vanished`);
    return this.token(username, row.salt);
  }

  /** A new token for the person; the old one stops working at once. */
  async rotateFeedToken(username: string, nowMs: number): Promise<string> {
    const salt = randomBytes(16).toString("base64url");
    const token = this.token(username, salt);
    await this.sql.run(
      `INSERT INTO calendar_feeds (username, salt, token_hash, created_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (username) DO UPDATE SET salt = excluded.salt, token_hash = excluded.token_hash,
         created_ms = excluded.created_ms`,
      [username, salt, sha256(token), nowMs],
    );
    return token;
  }

  /** Whose feed a token opens, or null. */
  async feedOwner(token: string): Promise<string | null> {
    const row = await this.sql.get<{ username: string }>(
      "SELECT username FROM calendar_feeds WHERE token_hash = ?",
      [sha256(token)],
    );
    return row?.username ?? null;
  }
}
