import type { Db } from "../store/database.js";

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

/** Every send attempt (outbox and "send test"), for the API and the console. */
export class DeliveryLog {
  constructor(private readonly db: Db) {}

  add(d: Omit<Delivery, "id">): void {
    this.db
      .prepare(
        `INSERT INTO notify_deliveries (at_ms, channel_id, alert_id, action, attempt, ok, error, error_code, http_status, duration_ms, group_size, summary)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
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
      );
  }

  /** Newest first, filtered and paged; `total` counts every match. */
  query(filter: DeliveryFilter = {}): { items: Delivery[]; total: number } {
    const where = `WHERE (@channelId IS NULL OR channel_id = @channelId)
      AND (@alertId IS NULL OR alert_id = @alertId)
      AND (@action IS NULL OR action = @action)
      AND (@ok IS NULL OR ok = @ok)
      AND (@fromMs IS NULL OR at_ms >= @fromMs)
      AND (@toMs IS NULL OR at_ms < @toMs)
      AND (@grouped IS NULL OR group_size IS NOT NULL)`;
    const params = {
      channelId: filter.channelId ?? null,
      alertId: filter.alertId ?? null,
      action: filter.action ?? null,
      ok: filter.ok === undefined ? null : filter.ok ? 1 : 0,
      fromMs: filter.fromMs ?? null,
      toMs: filter.toMs ?? null,
      grouped: filter.grouped ? 1 : null,
    };
    const limit = Math.min(500, Math.max(1, filter.limit ?? 100));
    const offset = Math.max(0, filter.offset ?? 0);
    const rows = this.db
      .prepare(`SELECT * FROM notify_deliveries ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit, offset }) as DeliveryRow[];
    const total = (
      this.db.prepare(`SELECT COUNT(*) AS n FROM notify_deliveries ${where}`).get(params) as { n: number }
    ).n;
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
