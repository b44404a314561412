import { z } from "zod";
import { hallIdSchema, roleSchema, severitySchema } from "../../contract/index.js";
import type { ChainProgress, EscalationChain } from "../../core/escalation/chain.js";
import type { SqlEngine, SqlExecutor } from "../../store/sql/engine.js";
import { PERSONAL_MEDIA } from "./ports.js";

export const chainStepSchema = z.strictObject({
  /** Minutes after the alert was raised (0: at once). */
  afterMin: z.number().min(0).max(10_080),
  /** The people on duty in a roster role of the alert's hall, or one named user. */
  target: z.union([
    z.strictObject({ onDuty: roleSchema }),
    z.strictObject({ user: z.string().trim().min(1).max(64) }),
  ]),
  /** Media to use; none: the person's preferred one. */
  via: z.array(z.enum(PERSONAL_MEDIA)).max(PERSONAL_MEDIA.length).default([]),
});

/** An escalation chain as an admin writes it; one per severity and hall (or every hall). */
export const chainSchema = z
  .strictObject({
    severity: severitySchema,
    hallId: hallIdSchema.nullable().default(null),
    steps: z.array(chainStepSchema).min(1).max(20),
    /** The last step is repeated this often until someone acknowledges; null: it runs once. */
    repeatEveryMin: z.number().min(1).max(1440).nullable().default(null),
  })
  .refine((c) => c.steps.every((s, i) => i === 0 || s.afterMin >= (c.steps[i - 1]?.afterMin ?? 0)), {
    message: "steps must be in the order they fire (afterMin never decreasing)",
    path: ["steps"],
  });
export type ChainInput = z.input<typeof chainSchema>;

export const chainId = (severity: string, hallId: string | null) => `${severity}:${hallId ?? "*"}`;

export interface AlertProgress extends ChainProgress {
  alertId: string;
  chainId: string;
  raisedMs: number;
}

/** Escalation chains and each alert's progress along them, as routing and the API use them. */
export interface ChainPort {
  chains(): Promise<EscalationChain[]>;
  chain(id: string): Promise<EscalationChain | null>;
  put(input: z.infer<typeof chainSchema>, nowMs: number): Promise<EscalationChain>;
  remove(id: string): Promise<boolean>;
  start(alertId: string, chain: string, raisedMs: number): Promise<void>;
  running(): Promise<AlertProgress[]>;
  /** Inside `tx` when given (a step's progress commits with its notices). */
  advance(alertId: string, next: ChainProgress, tx?: SqlExecutor): Promise<void>;
  finish(alertId: string): Promise<void>;
}

interface ProgressRow {
  alert_id: string;
  chain_id: string;
  raised_ms: number;
  steps_done: number;
  repeats_done: number;
}

/** Escalation chains and each alert's progress along its chain (migration 16), on SQLite or PostgreSQL. */
export class ChainStore implements ChainPort {
  constructor(private readonly sql: SqlEngine) {}

  async chains(): Promise<EscalationChain[]> {
    const rows = await this.sql.all<{ id: string; config_json: string }>(
      "SELECT id, config_json FROM escalation_chains",
    );
    // Sorted here: text ordering in SQL depends on PostgreSQL's collation.
    return rows
      .map((r) => ({ id: r.id, ...(JSON.parse(r.config_json) as Omit<EscalationChain, "id">) }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async chain(id: string): Promise<EscalationChain | null> {
    const row = await this.sql.get<{ id: string; config_json: string }>(
      "SELECT id, config_json FROM escalation_chains WHERE id = ?",
      [id],
    );
    return row ? { id: row.id, ...(JSON.parse(row.config_json) as Omit<EscalationChain, "id">) } : null;
  }

  /** Adds or replaces the chain of its severity and hall. */
  async put(input: z.infer<typeof chainSchema>, nowMs: number): Promise<EscalationChain> {
    const id = chainId(input.severity, input.hallId);
    await this.sql.run(
      `INSERT INTO escalation_chains (id, config_json, updated_ms) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET config_json = excluded.config_json, updated_ms = excluded.updated_ms`,
      [id, JSON.stringify(input), nowMs],
    );
    return { id, ...input };
  }

  async remove(id: string): Promise<boolean> {
    return (await this.sql.run("DELETE FROM escalation_chains WHERE id = ?", [id])).changes > 0;
  }

  /** Starts (or, for a reopened alert, restarts) an alert on a chain; the same raise again keeps its progress. */
  async start(alertId: string, chain: string, raisedMs: number): Promise<void> {
    await this.sql.run(
      `INSERT INTO escalation_progress (alert_id, chain_id, raised_ms, steps_done, repeats_done, finished)
       VALUES (?, ?, ?, 0, 0, 0)
       ON CONFLICT (alert_id) DO UPDATE SET chain_id = excluded.chain_id, raised_ms = excluded.raised_ms,
         steps_done = 0, repeats_done = 0, finished = 0
       WHERE escalation_progress.raised_ms <> excluded.raised_ms OR escalation_progress.finished = 1`,
      [alertId, chain, raisedMs],
    );
  }

  async running(): Promise<AlertProgress[]> {
    const rows = await this.sql.all<ProgressRow>(
      `SELECT alert_id, chain_id, raised_ms, steps_done, repeats_done FROM escalation_progress
       WHERE finished = 0 ORDER BY raised_ms, alert_id`,
    );
    return rows.map((r) => ({
      alertId: r.alert_id,
      chainId: r.chain_id,
      raisedMs: r.raised_ms,
      stepsDone: r.steps_done,
      repeatsDone: r.repeats_done,
    }));
  }

  async advance(alertId: string, next: ChainProgress, tx?: SqlExecutor): Promise<void> {
    await (tx ?? this.sql).run(
      "UPDATE escalation_progress SET steps_done = ?, repeats_done = ? WHERE alert_id = ?",
      [next.stepsDone, next.repeatsDone, alertId],
    );
  }

  /** Acknowledged or resolved: the chain stops. */
  async finish(alertId: string): Promise<void> {
    await this.sql.run("UPDATE escalation_progress SET finished = 1 WHERE alert_id = ?", [alertId]);
  }
}
