import { randomUUID } from "node:crypto";
import { SecretBox, SecretKeyError } from "../security/secret-key.js";
import type { SqlEngine } from "../store/sql/engine.js";
import {
  type ChannelInput,
  type ChannelRecord,
  maskChannel,
  parseChannelInput,
  SECRET_MASK,
} from "./channels.js";
import { type Delivery, type DeliveryFilter, DeliveryLog, type DeliveryLogPort } from "./delivery-log.js";
import { Outbox, type OutboxPort } from "./outbox.js";
import { completeRule, type RoutingRule, type RoutingRuleInput, routingRuleSchema } from "./routing.js";

interface ChannelRow {
  id: string;
  name: string;
  language: "zh" | "en";
  enabled: number;
  config_json: string;
}

/**
 * A channel's config holds its secrets (signing secrets, SMTP passwords, robot tokens in URLs): with a box it
 * is stored sealed whole (AES-256-GCM under a key kept outside the database), without one as plain JSON.
 */
function encodeConfig(config: unknown, box: SecretBox | null): string {
  const json = JSON.stringify(config);
  return box ? box.seal(json) : json;
}

function decodeConfig(stored: string, box: SecretBox | null): ChannelRecord["config"] {
  if (!SecretBox.isSealed(stored)) return JSON.parse(stored);
  if (!box) throw new SecretKeyError("channel settings are encrypted, and no secret key was given");
  return JSON.parse(box.open(stored));
}

/** Channels and routing rules as their users meet them; `NotifyStore` runs them on either SQL engine. */
export interface NotifyStorePort {
  readonly outbox: OutboxPort;
  readonly log: DeliveryLogPort;
  addChannel(input: unknown): Promise<ChannelRecord>;
  updateChannel(id: string, input: unknown): Promise<ChannelRecord | null>;
  setChannelEnabled(id: string, enabled: boolean): Promise<boolean>;
  channels(): Promise<ChannelRecord[]>;
  list(): Promise<ChannelRecord[]>;
  channel(id: string): Promise<ChannelRecord | null>;
  removeChannel(id: string): Promise<boolean>;
  addRule(input: RoutingRuleInput): Promise<RoutingRule>;
  rules(): Promise<RoutingRule[]>;
  removeRule(id: string): Promise<boolean>;
  deliveries(filter: DeliveryFilter): Promise<Delivery[]>;
  pending(): Promise<number>;
}

/**
 * Channels and routing rules (CRUD), with the outbox and the delivery log beside them. Tables come from
 * migration 8 (src/store/migrations.ts) and its PostgreSQL twin.
 */
export class NotifyStore implements NotifyStorePort {
  readonly outbox: Outbox;
  readonly log: DeliveryLog;

  constructor(
    readonly sql: SqlEngine,
    private readonly box: SecretBox | null = null,
  ) {
    this.outbox = new Outbox(sql);
    this.log = new DeliveryLog(sql);
  }

  private toChannel(r: ChannelRow): ChannelRecord {
    return {
      id: r.id,
      name: r.name,
      language: r.language,
      enabled: r.enabled === 1,
      config: decodeConfig(r.config_json, this.box),
    };
  }

  /**
   * At start: checks the key opens every sealed channel (a SecretKeyError names the problem before anything
   * is changed), then seals channels stored in plain text by older versions. Returns how many were sealed.
   */
  async sealPlainChannels(): Promise<number> {
    const box = this.box;
    if (!box) return 0;
    const rows = await this.sql.all<{ id: string; config_json: string }>(
      "SELECT id, config_json FROM notify_channels",
    );
    for (const row of rows) if (SecretBox.isSealed(row.config_json)) box.open(row.config_json);
    const plain = rows.filter((r) => !SecretBox.isSealed(r.config_json));
    if (plain.length === 0) return 0;
    const seal = () =>
      this.sql.transaction(async (tx) => {
        for (const row of plain)
          await tx.run("UPDATE notify_channels SET config_json = ? WHERE id = ?", [
            box.seal(row.config_json),
            row.id,
          ]);
      });
    if (this.sql.dialect !== "sqlite") {
      // PostgreSQL keeps dead row versions until VACUUM; the operator's backups and WAL are theirs to rotate.
      await seal();
      return plain.length;
    }
    // Zero the plain text's old cells, and copy the WAL into the file now, so no copy is left behind.
    const before = await this.sql.get<{ secure_delete: number }>("PRAGMA secure_delete");
    await this.sql.run("PRAGMA secure_delete = ON");
    try {
      await seal();
    } finally {
      await this.sql.run(`PRAGMA secure_delete = ${Number(before?.secure_delete ?? 0)}`);
    }
    await this.sql.all("PRAGMA wal_checkpoint(TRUNCATE)");
    return plain.length;
  }

  /** Whether any channel is stored sealed (then the key must not be replaced). */
  static async hasSealedChannels(sql: SqlEngine): Promise<boolean> {
    return (
      (await sql.get("SELECT 1 AS one FROM notify_channels WHERE config_json LIKE 'enc:%' LIMIT 1")) !==
      undefined
    );
  }

  /** Validates (every bad path listed in a ChannelConfigError) and stores, sealed when the store has a key. */
  async addChannel(input: unknown): Promise<ChannelRecord> {
    const channel = { ...parseChannelInput(input), id: randomUUID() };
    await this.sql.run(
      "INSERT INTO notify_channels (id, name, language, enabled, config_json) VALUES (?, ?, ?, ?, ?)",
      [
        channel.id,
        channel.name,
        channel.language,
        channel.enabled ? 1 : 0,
        encodeConfig(channel.config, this.box),
      ],
    );
    return channel;
  }

  /**
   * Replaces a channel. A value sent back exactly as `list()` showed it (a masked secret or URL) keeps the
   * stored one, so an edit form can round-trip without knowing the secrets.
   */
  async updateChannel(id: string, input: unknown): Promise<ChannelRecord | null> {
    const before = await this.channel(id);
    if (!before) return null;
    const { id: _ignored, ...raw } = (input ?? {}) as { id?: unknown; config?: Record<string, unknown> };
    const masked = maskChannel(before).config as Record<string, unknown>;
    const stored = before.config as Record<string, unknown>;
    const config = Object.fromEntries(
      Object.entries(raw.config ?? {}).map(([k, v]) => [
        k,
        typeof v === "string" && v.includes(SECRET_MASK) && v === masked[k] ? stored[k] : v,
      ]),
    );
    const parsed: ChannelInput = parseChannelInput({ ...raw, config });
    await this.sql.run(
      "UPDATE notify_channels SET name = ?, language = ?, enabled = ?, config_json = ? WHERE id = ?",
      [parsed.name, parsed.language, parsed.enabled ? 1 : 0, encodeConfig(parsed.config, this.box), id],
    );
    return { ...parsed, id };
  }

  async setChannelEnabled(id: string, enabled: boolean): Promise<boolean> {
    const result = await this.sql.run("UPDATE notify_channels SET enabled = ? WHERE id = ?", [
      enabled ? 1 : 0,
      id,
    ]);
    return result.changes > 0;
  }

  /** Every channel with its secrets, by name: for sending only, never for an API answer (use `list()`). */
  async channels(): Promise<ChannelRecord[]> {
    const rows = await this.sql.all<ChannelRow>("SELECT * FROM notify_channels");
    // Sorted here: the engines' text collations differ.
    rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
    return rows.map((r) => this.toChannel(r));
  }

  /** Every channel as the API may show it: secrets and robot tokens masked. */
  async list(): Promise<ChannelRecord[]> {
    return (await this.channels()).map(maskChannel);
  }

  async channel(id: string): Promise<ChannelRecord | null> {
    const row = await this.sql.get<ChannelRow>("SELECT * FROM notify_channels WHERE id = ?", [id]);
    return row ? this.toChannel(row) : null;
  }

  async removeChannel(id: string): Promise<boolean> {
    return (await this.sql.run("DELETE FROM notify_channels WHERE id = ?", [id])).changes > 0;
  }

  /** Validated (a ZodError lists every bad path); a rule without `minSeverity` gets its roles' defaults. */
  async addRule(input: RoutingRuleInput): Promise<RoutingRule> {
    const rule = completeRule(routingRuleSchema.parse(input), randomUUID());
    const { id, ...stored } = rule;
    await this.sql.run(
      `INSERT INTO notify_rules (id, rule_json, added_seq)
       VALUES (?, ?, (SELECT COALESCE(MAX(added_seq), 0) + 1 FROM notify_rules))`,
      [id, JSON.stringify(stored)],
    );
    return rule;
  }

  /** In the order they were added. */
  async rules(): Promise<RoutingRule[]> {
    const rows = await this.sql.all<{ id: string; rule_json: string }>(
      "SELECT id, rule_json FROM notify_rules ORDER BY added_seq IS NULL, added_seq, id",
    );
    return rows.map((r) => ({ ...(JSON.parse(r.rule_json) as Omit<RoutingRule, "id">), id: r.id }));
  }

  async removeRule(id: string): Promise<boolean> {
    return (await this.sql.run("DELETE FROM notify_rules WHERE id = ?", [id])).changes > 0;
  }

  /** The latest attempts, newest first (kept for the API route; `log.query` pages and counts). */
  async deliveries(filter: DeliveryFilter): Promise<Delivery[]> {
    return (await this.log.query(filter)).items;
  }

  /** Messages waiting in the outbox. */
  async pending(): Promise<number> {
    return this.outbox.size();
  }
}
