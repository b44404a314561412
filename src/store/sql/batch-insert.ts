import type { SqlExecutor, SqlValue } from "./engine.js";

/** Rows per multi-row INSERT: at 8 columns well under SQLite's lowest parameter limit (999) and PostgreSQL's. */
export const ROWS_PER_INSERT = 100;

/**
 * A multi-row INSERT (`head VALUES (?, …), (?, …) tail`) written in chunks of ROWS_PER_INSERT rows: one statement
 * per hundred rows instead of one per row (one round trip each on PostgreSQL). The SQL of each row count is built
 * once and kept, so a steady batch size reuses the engines' prepared statements.
 */
export class BatchInsert {
  private readonly sqlByRows: string[] = [];
  private readonly row: string;

  constructor(
    private readonly head: string,
    readonly columns: number,
    private readonly tail = "",
    /** Fewer for wide rows: SQLite's lowest parameter limit is 999 per statement. */
    private readonly rowsPerInsert = ROWS_PER_INSERT,
  ) {
    this.row = `(${new Array<string>(columns).fill("?").join(", ")})`;
  }

  /** Writes `params`, a flat array of `columns` values per row, in as few statements as the chunking allows. */
  async run(tx: SqlExecutor, params: readonly SqlValue[]): Promise<void> {
    if (params.length % this.columns !== 0)
      throw new Error(`${params.length} values are not rows of ${this.columns} columns`);
    const perChunk = this.rowsPerInsert * this.columns;
    for (let i = 0; i < params.length; i += perChunk) {
      const chunk = params.length <= perChunk ? params : params.slice(i, i + perChunk);
      await tx.run(this.sql(chunk.length / this.columns), chunk);
    }
  }

  private sql(rows: number): string {
    let sql = this.sqlByRows[rows];
    if (sql === undefined) {
      sql = `${this.head} VALUES ${new Array<string>(rows).fill(this.row).join(", ")}${this.tail}`;
      this.sqlByRows[rows] = sql;
    }
    return sql;
  }
}
