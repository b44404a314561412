/**
 * Schema migrations, applied in order and never edited once released: add a new entry instead.
 * Times are epoch milliseconds (`*_ms`).
 */
export const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE halls (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        time_zone TEXT NOT NULL DEFAULT 'Asia/Shanghai',
        created_ms INTEGER NOT NULL
      );
      CREATE TABLE agents (
        id TEXT PRIMARY KEY,
        hall_id TEXT NOT NULL REFERENCES halls(id),
        name TEXT,
        secret_hash TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        rotated_ms INTEGER,
        revoked_ms INTEGER
      );
      CREATE INDEX agents_hall ON agents(hall_id);
      CREATE TABLE service_accounts (
        id TEXT PRIMARY KEY,
        secret_hash TEXT NOT NULL,
        created_ms INTEGER NOT NULL
      );
    `,
  },
];
