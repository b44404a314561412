import { SYSTEM_HALL_ID } from "../contract/ids.js";
import type { SqlExecutor } from "../store/sql/engine.js";

/**
 * Which halls' state a write may touch, decided inside the write's own transaction (docs/scale-out.md, "Fencing").
 * A batch (the aggregator's flush, the alerts' batch) spans many halls: it writes the rows of the halls returned and
 * drops the others, whose new owner's state must not be overwritten.
 */
export interface HallFence {
  writable(tx: SqlExecutor, hallIds: ReadonlySet<string>): Promise<ReadonlySet<string>>;
}

/** One node alone (the embedded default): it owns every hall. */
export const UNFENCED: HallFence = {
  writable: async (_tx, hallIds) => hallIds,
};

/** Halls per statement: far below either engine's parameter limit. */
const CHUNK = 500;

/**
 * The fence of a node sharing halls by leases: a hall is writable when its lease is this node's, at the epoch this
 * node believes it holds, and unexpired by the database's clock; the system's alerts (hall `_system`) always are. On PostgreSQL the lease rows are locked FOR SHARE
 * in hall order until the transaction ends: a takeover (which updates the row) waits for the write in progress and
 * then reads its result, while this node's other fenced writes are not held up.
 */
export class LeaseFence implements HallFence {
  constructor(
    private readonly nodeId: string,
    private readonly epochOf: (hallId: string) => number | null,
  ) {}

  async writable(tx: SqlExecutor, hallIds: ReadonlySet<string>): Promise<ReadonlySet<string>> {
    const believed = [...hallIds].filter((hallId) => this.epochOf(hallId) !== null).sort();
    const writable = new Set<string>();
    // The system's own alerts (storage, history buffer) belong to no hall and no lease: each node raises its own.
    if (hallIds.has(SYSTEM_HALL_ID)) writable.add(SYSTEM_HALL_ID);
    if (believed.length === 0) return writable;
    const postgres = tx.dialect === "postgres";
    const nowMs = postgres ? null : Date.now();
    for (let i = 0; i < believed.length; i += CHUNK) {
      const chunk = believed.slice(i, i + CHUNK);
      const rows = await tx.all<{ hall_id: string; epoch: number; live: number | boolean }>(
        `SELECT hall_id, epoch, (expires_ms > ${postgres ? "hallwatch_now_ms()" : "?"}) AS live FROM hall_leases
         WHERE owner_node = ? AND hall_id IN (${chunk.map(() => "?").join(", ")})
         ORDER BY hall_id${postgres ? " FOR SHARE" : ""}`,
        postgres ? [this.nodeId, ...chunk] : [nowMs, this.nodeId, ...chunk],
      );
      for (const row of rows) {
        if ((row.live === true || row.live === 1) && Number(row.epoch) === this.epochOf(row.hall_id))
          writable.add(row.hall_id);
      }
    }
    return writable;
  }
}
