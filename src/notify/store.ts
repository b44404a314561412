import { randomUUID } from "node:crypto";
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

const toChannel = (r: ChannelRow): ChannelRecord => ({
  id: r.id,
  name: r.name,
  language: r.language,
  enabled: r.enabled === 1,
  config: JSON.parse(r.config_json),
});

/**
 * Channels and routing rules (CRUD), with the outbox and the delivery log beside them. Tables come from
 * migration 8 (src/store/migrations.ts); the outbox and the log add what they need themselves.
 */
export class NotifyStore {
  readonly outbox: Outbox;
  readonly log: DeliveryLog;

  constructor(readonly db: Db) {
    this.outbox = new Outbox(db);
    this.log = new DeliveryLog(db);
  }

  /** Validates (every bad path listed in a ChannelConfigError) and stores; secrets are kept as given. */
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
        JSON.stringify(channel.config),
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
      .run(parsed.name, parsed.language, parsed.enabled ? 1 : 0, JSON.stringify(parsed.config), id);
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
    return (this.db.prepare("SELECT * FROM notify_channels ORDER BY name").all() as ChannelRow[]).map(
      toChannel,
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
    return row ? toChannel(row) : null;
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
