import { randomUUID } from "node:crypto";
import { SecretBox, SecretKeyError } from "../security/secret-key.js";
import type { Db } from "../store/database.js";
import {
  type ChannelInput,
  type ChannelRecord,
  maskChannel,
  parseChannelInput,
  SECRET_MASK,
} from "./channels.js";
import { type Delivery, type DeliveryFilter, DeliveryLog } from "./delivery-log.js";
import { Outbox } from "./outbox.js";
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

/**
 * Channels and routing rules (CRUD), with the outbox and the delivery log beside them. Tables come from
 * migration 8 (src/store/migrations.ts); the outbox and the log add what they need themselves.
 */
export class NotifyStore {
  readonly outbox: Outbox;
  readonly log: DeliveryLog;

  constructor(
    readonly db: Db,
    private readonly box: SecretBox | null = null,
  ) {
    this.outbox = new Outbox(db);
    this.log = new DeliveryLog(db);
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
  sealPlainChannels(): number {
    const box = this.box;
    if (!box) return 0;
    const rows = this.db.prepare("SELECT id, config_json FROM notify_channels").all() as {
      id: string;
      config_json: string;
    }[];
    for (const row of rows) if (SecretBox.isSealed(row.config_json)) box.open(row.config_json);
    const plain = rows.filter((r) => !SecretBox.isSealed(r.config_json));
    if (plain.length === 0) return 0;
    const update = this.db.prepare("UPDATE notify_channels SET config_json = ? WHERE id = ?");
    // Zero the plain text's old cells, and copy the WAL into the file now, so no copy is left behind.
    const secureDelete = this.db.pragma("secure_delete", { simple: true });
    this.db.pragma("secure_delete = ON");
    try {
      this.db.transaction(() => {
        for (const row of plain) update.run(box.seal(row.config_json), row.id);
      })();
    } finally {
      this.db.pragma(`secure_delete = ${Number(secureDelete)}`);
    }
    this.db.pragma("wal_checkpoint(TRUNCATE)");
    return plain.length;
  }

  /** Whether any channel is stored sealed (then the key must not be replaced). */
  static hasSealedChannels(db: Db): boolean {
    return (
      db.prepare("SELECT 1 FROM notify_channels WHERE config_json LIKE 'enc:%' LIMIT 1").get() !== undefined
    );
  }

  /** Validates (every bad path listed in a ChannelConfigError) and stores, sealed when the store has a key. */
  addChannel(input: unknown): ChannelRecord {
    const channel = { ...parseChannelInput(input), id: randomUUID() };
    this.db
      .prepare(
        "INSERT INTO notify_channels (id, name, language, enabled, config_json) VALUES (?, ?, ?, ?, ?)",
      )
      .run(
        channel.id,
        channel.name,
        channel.language,
        channel.enabled ? 1 : 0,
        encodeConfig(channel.config, this.box),
      );
    return channel;
  }

  /**
   * Replaces a channel. A value sent back exactly as `list()` showed it (a masked secret or URL) keeps the
   * stored one, so an edit form can round-trip without knowing the secrets.
   */
  updateChannel(id: string, input: unknown): ChannelRecord | null {
    const before = this.channel(id);
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
    this.db
      .prepare("UPDATE notify_channels SET name = ?, language = ?, enabled = ?, config_json = ? WHERE id = ?")
      .run(parsed.name, parsed.language, parsed.enabled ? 1 : 0, encodeConfig(parsed.config, this.box), id);
    return { ...parsed, id };
  }

  setChannelEnabled(id: string, enabled: boolean): boolean {
    return (
      this.db.prepare("UPDATE notify_channels SET enabled = ? WHERE id = ?").run(enabled ? 1 : 0, id)
        .changes > 0
    );
  }

  /** Every channel with its secrets: for sending only, never for an API answer (use `list()`). */
  channels(): ChannelRecord[] {
    return (this.db.prepare("SELECT * FROM notify_channels ORDER BY name").all() as ChannelRow[]).map((r) =>
      this.toChannel(r),
    );
  }

  /** Every channel as the API may show it: secrets and robot tokens masked. */
  list(): ChannelRecord[] {
    return this.channels().map(maskChannel);
  }

  channel(id: string): ChannelRecord | null {
    const row = this.db.prepare("SELECT * FROM notify_channels WHERE id = ?").get(id) as
      | ChannelRow
      | undefined;
    return row ? this.toChannel(row) : null;
  }

  removeChannel(id: string): boolean {
    return this.db.prepare("DELETE FROM notify_channels WHERE id = ?").run(id).changes > 0;
  }

  /** Validated (a ZodError lists every bad path); a rule without `minSeverity` gets its roles' defaults. */
  addRule(input: RoutingRuleInput): RoutingRule {
    const rule = completeRule(routingRuleSchema.parse(input), randomUUID());
    const { id, ...stored } = rule;
    this.db.prepare("INSERT INTO notify_rules (id, rule_json) VALUES (?, ?)").run(id, JSON.stringify(stored));
    return rule;
  }

  rules(): RoutingRule[] {
    return (
      this.db.prepare("SELECT id, rule_json FROM notify_rules").all() as { id: string; rule_json: string }[]
    ).map((r) => ({ ...(JSON.parse(r.rule_json) as Omit<RoutingRule, "id">), id: r.id }));
  }

  removeRule(id: string): boolean {
    return this.db.prepare("DELETE FROM notify_rules WHERE id = ?").run(id).changes > 0;
  }

  /** The latest attempts, newest first (kept for the API route; `log.query` pages and counts). */
  deliveries(filter: DeliveryFilter): Delivery[] {
    return this.log.query(filter).items;
  }

  /** Messages waiting in the outbox. */
  pending(): number {
    return this.outbox.size();
  }
}
