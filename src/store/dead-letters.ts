import { BatchInsert } from "./sql/batch-insert.js";
import type { SqlEngine, SqlValue } from "./sql/engine.js";

export interface DeadLetter {
  receivedMs: number;
  reason: string;
  topic: string;
  /** The first bytes of the payload as UTF-8 text (invalid bytes replaced). */
  payloadSample: string;
  payloadBytes: number;
  detail: string;
}

export interface StoredDeadLetter extends DeadLetter {
  id: number;
}

export interface DeadLetterQuery {
  reason?: string | undefined;
  limit: number;
  beforeId?: number | undefined;
}

interface DeadLetterRow {
  id: number;
  received_ms: number;
  reason: string;
  topic: string;
  payload_sample: string;
  payload_bytes: number;
  detail: string;
}

const INSERT = new BatchInsert(
  "INSERT INTO dead_letters (received_ms, reason, topic, payload_sample, payload_bytes, detail)",
  6,
);
const LAST_ID = "SELECT MAX(id) AS id FROM dead_letters";
const PRUNE = "DELETE FROM dead_letters WHERE id <= ?";
const SELECT = `SELECT id, received_ms, reason, topic, payload_sample, payload_bytes, detail FROM dead_letters`;
const ORDER = " ORDER BY id DESC LIMIT ?";
/** The four filter combinations, built once: no `(? IS NULL OR …)`, whose parameter type PostgreSQL cannot infer. */
const RECENT = {
  all: `${SELECT}${ORDER}`,
  reason: `${SELECT} WHERE reason = ?${ORDER}`,
  before: `${SELECT} WHERE id < ?${ORDER}`,
  reasonBefore: `${SELECT} WHERE reason = ? AND id < ?${ORDER}`,
};

/** Invalid messages kept for inspection; the oldest are pruned past `maxRows`. */
export class DeadLetterStore {
  constructor(
    private readonly sql: SqlEngine,
    private readonly maxRows = 100_000,
  ) {}

  /** Writes the letters as they are at the call (copied before the first await) in one transaction. */
  async saveBatch(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const params: SqlValue[] = [];
    for (const l of letters)
      params.push(l.receivedMs, l.reason, l.topic, l.payloadSample, l.payloadBytes, l.detail);
    await this.sql.transaction(async (tx) => {
      await INSERT.run(tx, params);
      const last = await tx.get<{ id: number | null }>(LAST_ID);
      if (last?.id != null && last.id > this.maxRows) await tx.run(PRUNE, [last.id - this.maxRows]);
    });
  }

  /** Newest first (by id), optionally of one reason and before an id (paging). */
  async recent(query: DeadLetterQuery): Promise<StoredDeadLetter[]> {
    const { reason, beforeId, limit } = query;
    const rows =
      reason !== undefined && beforeId !== undefined
        ? await this.sql.all<DeadLetterRow>(RECENT.reasonBefore, [reason, beforeId, limit])
        : reason !== undefined
          ? await this.sql.all<DeadLetterRow>(RECENT.reason, [reason, limit])
          : beforeId !== undefined
            ? await this.sql.all<DeadLetterRow>(RECENT.before, [beforeId, limit])
            : await this.sql.all<DeadLetterRow>(RECENT.all, [limit]);
    return rows.map((r) => ({
      id: r.id,
      receivedMs: r.received_ms,
      reason: r.reason,
      topic: r.topic,
      payloadSample: r.payload_sample,
      payloadBytes: r.payload_bytes,
      detail: r.detail,
    }));
  }
}
