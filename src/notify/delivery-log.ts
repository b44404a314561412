import type { SqlEngine } from "../store/sql/engine.js";

export interface Delivery {
  id: number;
  atMs: number;
  channelId: string;
  alertId: string | null;
  action: string;
  attempt: number;
  ok: boolean;
  error: string | null;
  errorCode: string | null;
  httpStatus: number | null;
  durationMs: number;
  /** A grouped notice: how many alert changes it stood for, and its one-line summary. Null otherwise. */
  groupSize?: number | null;
  summary?: string | null;
}

export interface DeliveryFilter {
  channelId?: string | undefined;
  alertId?: string | undefined;
  action?: string | undefined;
  ok?: boolean | undefined;
  fromMs?: number | undefined;
  toMs?: number | undefined;
  /** Default 100, at most 500. */
  limit?: number | undefined;
  offset?: number | undefined;
  /** Only grouped notices. */
  grouped?: boolean | undefined;
}

interface DeliveryRow {
  id: number;
  at_ms: number;
  channel_id: string;
  alert_id: string | null;
  action: string;
  attempt: number;
  ok: number;
  error: string | null;
  error_code: string | null;
  http_status: number | null;
  duration_ms: number;
  group_size: number | null;
  summary: string | null;
}

/** The delivery log as its users meet it; `DeliveryLog` runs it on either SQL engine. */
export interface DeliveryLogPort {
  add(d: Omit<Delivery, "id">): Promise<void>;
  query(filter?: DeliveryFilter): Promise<{ items: Delivery[]; total: number }>;
}

// Casts: PostgreSQL cannot tell the type of a parameter that is only tested for NULL.
const WHERE = `WHERE (CAST(? AS TEXT) IS NULL OR channel_id = ?)
  AND (CAST(? AS TEXT) IS NULL OR alert_id = ?)
  AND (CAST(? AS TEXT) IS NULL OR action = ?)
  AND (CAST(? AS INTEGER) IS NULL OR ok = ?)
  AND (CAST(? AS BIGINT) IS NULL OR at_ms >= ?)
  AND (CAST(? AS BIGINT) IS NULL OR at_ms < ?)
  AND (CAST(? AS INTEGER) IS NULL OR group_size IS NOT NULL)`;

/** Every send attempt (outbox and "send test"), for the API and the console. */
export class DeliveryLog implements DeliveryLogPort {
  constructor(private readonly sql: SqlEngine) {}

  async add(d: Omit<Delivery, "id">): Promise<void> {
    await this.sql.run(
      `INSERT INTO notify_deliveries (at_ms, channel_id, alert_id, action, attempt, ok, error, error_code, http_status, duration_ms, group_size, summary)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        d.atMs,
        d.channelId,
        d.alertId,
        d.action,
        d.attempt,
        d.ok ? 1 : 0,
        d.error,
        d.errorCode,
        d.httpStatus,
        d.durationMs,
        d.groupSize ?? null,
        d.summary ?? null,
      ],
    );
  }

  /** Newest first, filtered and paged; `total` counts every match. */
  async query(filter: DeliveryFilter = {}): Promise<{ items: Delivery[]; total: number }> {
    // Each filter value but the last twice: "not given" and "equal to" (positional placeholders on both engines).
    const values = [
      filter.channelId ?? null,
      filter.alertId ?? null,
      filter.action ?? null,
      filter.ok === undefined ? null : filter.ok ? 1 : 0,
      filter.fromMs ?? null,
      filter.toMs ?? null,
    ];
    const params = [...values.flatMap((v) => [v, v]), filter.grouped ? 1 : null];
    const limit = Math.min(500, Math.max(1, filter.limit ?? 100));
    const offset = Math.max(0, filter.offset ?? 0);
    const rows = await this.sql.all<DeliveryRow>(
      `SELECT * FROM notify_deliveries ${WHERE} ORDER BY id DESC LIMIT ? OFFSET ?`,
      [...params, limit, offset],
    );
    const total =
      (await this.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM notify_deliveries ${WHERE}`, params))
        ?.n ?? 0;
    return {
      items: rows.map((r) => ({
        id: r.id,
        atMs: r.at_ms,
        channelId: r.channel_id,
        alertId: r.alert_id,
        action: r.action,
        attempt: r.attempt,
        ok: r.ok === 1,
        error: r.error,
        errorCode: r.error_code,
        httpStatus: r.http_status,
        durationMs: r.duration_ms,
        groupSize: r.group_size ?? null,
        summary: r.summary ?? null,
      })),
      total,
    };
  }
}
