import type { Db } from "./database.js";

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

/** Invalid messages kept for inspection; the oldest are pruned past `maxRows`. */
export class DeadLetterStore {
  private readonly insert;

  constructor(
    private readonly db: Db,
    private readonly maxRows = 100_000,
  ) {
    this.insert = db.prepare(
      `INSERT INTO dead_letters (received_ms, reason, topic, payload_sample, payload_bytes, detail)
       VALUES (@receivedMs, @reason, @topic, @payloadSample, @payloadBytes, @detail)`,
    );
  }

  saveBatch(letters: readonly DeadLetter[]): void {
    if (letters.length === 0) return;
    this.db.transaction(() => {
      for (const letter of letters) this.insert.run(letter);
      const last = this.db.prepare("SELECT MAX(id) AS id FROM dead_letters").get() as { id: number | null };
      if (last.id !== null && last.id > this.maxRows) {
        this.db.prepare("DELETE FROM dead_letters WHERE id <= ?").run(last.id - this.maxRows);
      }
    })();
  }

  recent(options: {
    reason?: string | undefined;
    limit: number;
    beforeId?: number | undefined;
  }): StoredDeadLetter[] {
    const rows = this.db
      .prepare(
        `SELECT id, received_ms AS receivedMs, reason, topic, payload_sample AS payloadSample,
                payload_bytes AS payloadBytes, detail
         FROM dead_letters WHERE (@reason IS NULL OR reason = @reason) AND (@beforeId IS NULL OR id < @beforeId)
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({ reason: options.reason ?? null, beforeId: options.beforeId ?? null, limit: options.limit });
    return rows as StoredDeadLetter[];
  }
}
