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
  {
    version: 2,
    sql: `
      CREATE TABLE agent_state (
        agent_id TEXT PRIMARY KEY,
        hall_id TEXT NOT NULL,
        session INTEGER,
        connectivity TEXT NOT NULL,
        connectivity_since_ms INTEGER NOT NULL,
        lost_messages INTEGER NOT NULL DEFAULT 0,
        duplicate_messages INTEGER NOT NULL DEFAULT 0,
        version TEXT,
        platform TEXT,
        hostname TEXT,
        device_ids TEXT NOT NULL DEFAULT '[]',
        last_birth_ms INTEGER
      );
      CREATE TABLE devices (
        hall_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        model TEXT NOT NULL,
        zone TEXT NOT NULL,
        name TEXT,
        report_interval_sec INTEGER NOT NULL,
        connectivity TEXT NOT NULL,
        connectivity_since_ms INTEGER NOT NULL,
        connectivity_reason TEXT,
        last_seen_ms INTEGER,
        values_json TEXT,
        values_ts_ms INTEGER,
        retired INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (hall_id, device_id)
      );
      CREATE INDEX devices_agent ON devices(agent_id);
      -- One row per connectivity interval; end_ms is NULL for the current one. Uptime is computed from these.
      CREATE TABLE device_connectivity_history (
        id INTEGER PRIMARY KEY,
        hall_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        connectivity TEXT NOT NULL,
        reason TEXT,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER
      );
      CREATE INDEX connectivity_history_device ON device_connectivity_history(hall_id, device_id, start_ms);
      CREATE TABLE dead_letters (
        id INTEGER PRIMARY KEY,
        received_ms INTEGER NOT NULL,
        reason TEXT NOT NULL,
        topic TEXT NOT NULL,
        payload_sample TEXT NOT NULL,
        payload_bytes INTEGER NOT NULL,
        detail TEXT NOT NULL
      );
      CREATE INDEX dead_letters_reason ON dead_letters(reason, received_ms);
      CREATE TABLE device_events (
        id INTEGER PRIMARY KEY,
        hall_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        ts_ms INTEGER NOT NULL,
        received_ms INTEGER NOT NULL,
        type TEXT NOT NULL,
        message TEXT,
        data_json TEXT,
        historical INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX device_events_device ON device_events(hall_id, device_id, ts_ms);
      CREATE TABLE counters (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    sql: `
      CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        key TEXT NOT NULL,
        hall_id TEXT NOT NULL,
        device_id TEXT,
        agent_id TEXT,
        kind TEXT,
        fault_type TEXT NOT NULL,
        severity TEXT NOT NULL,
        audience_json TEXT NOT NULL,
        summary_json TEXT NOT NULL,
        status TEXT NOT NULL,
        opened_ms INTEGER NOT NULL,
        raised_ms INTEGER NOT NULL,
        last_seen_ms INTEGER NOT NULL,
        count INTEGER NOT NULL,
        last_observed_json TEXT,
        affected_json TEXT NOT NULL,
        acknowledged_json TEXT,
        resolved_json TEXT,
        resolved_ms INTEGER,
        flapping INTEGER NOT NULL,
        reopen_count INTEGER NOT NULL,
        escalation_level INTEGER NOT NULL,
        last_reminder_ms INTEGER
      );
      CREATE INDEX alerts_key ON alerts(key, opened_ms);
      CREATE INDEX alerts_hall ON alerts(hall_id, status, opened_ms);
      CREATE INDEX alerts_open ON alerts(status) WHERE status != 'resolved';
      CREATE TABLE alert_history (
        id INTEGER PRIMARY KEY,
        alert_id TEXT NOT NULL REFERENCES alerts(id),
        at_ms INTEGER NOT NULL,
        action TEXT NOT NULL,
        by_user TEXT,
        from_status TEXT,
        to_status TEXT NOT NULL,
        detail_json TEXT
      );
      CREATE INDEX alert_history_alert ON alert_history(alert_id, id);
      -- Per device: the fault rules' condition tracking (pending durations), so they resume after a restart.
      CREATE TABLE fault_conditions (
        hall_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        states_json TEXT NOT NULL,
        PRIMARY KEY (hall_id, device_id)
      );
    `,
  },
  {
    version: 4,
    sql: `
      CREATE TABLE users (
        username TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        roles_json TEXT NOT NULL,
        -- JSON array of hall ids; ["*"] for every hall (admins)
        halls_json TEXT NOT NULL,
        language TEXT NOT NULL DEFAULT 'zh',
        created_ms INTEGER NOT NULL,
        password_changed_ms INTEGER NOT NULL,
        disabled_ms INTEGER
      );
      -- Session and API tokens are stored as SHA-256 hashes: they are long random values, so a fast hash is enough.
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL REFERENCES users(username),
        csrf_token TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        last_seen_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL,
        ip TEXT
      );
      CREATE INDEX sessions_user ON sessions(username);
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        username TEXT NOT NULL REFERENCES users(username),
        name TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        expires_ms INTEGER,
        last_used_ms INTEGER,
        revoked_ms INTEGER
      );
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at_ms INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        before_json TEXT,
        after_json TEXT,
        ip TEXT
      );
      CREATE INDEX audit_log_at ON audit_log(at_ms);
    `,
  },
  {
    version: 5,
    sql: `
      -- Opening hours (JSON, see src/core/calendar/opening-hours.ts); NULL = always open.
      ALTER TABLE halls ADD COLUMN opening_hours_json TEXT;
    `,
  },
  {
    version: 6,
    sql: `
      CREATE TABLE maintenance_windows (
        id TEXT PRIMARY KEY,
        hall_id TEXT NOT NULL REFERENCES halls(id),
        scope_json TEXT NOT NULL,
        recurrence_json TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        deleted_ms INTEGER
      );
      CREATE INDEX maintenance_windows_hall ON maintenance_windows(hall_id);
      -- An alert raised while its device was in a maintenance window is recorded but not notified.
      ALTER TABLE alerts ADD COLUMN in_maintenance INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 7,
    sql: `
      CREATE TABLE readiness_reports (
        hall_id TEXT NOT NULL,
        opening_ms INTEGER NOT NULL,
        generated_ms INTEGER NOT NULL,
        report_json TEXT NOT NULL,
        PRIMARY KEY (hall_id, opening_ms)
      );
    `,
  },
  {
    version: 8,
    sql: `
      CREATE TABLE notify_channels (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        language TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        config_json TEXT NOT NULL
      );
      CREATE TABLE notify_rules (
        id TEXT PRIMARY KEY,
        rule_json TEXT NOT NULL
      );
      -- Messages waiting to be delivered; dedupe_key makes each (alert change, channel) exactly one delivery.
      CREATE TABLE notify_outbox (
        id INTEGER PRIMARY KEY,
        dedupe_key TEXT NOT NULL UNIQUE,
        channel_id TEXT NOT NULL,
        alert_id TEXT,
        action TEXT NOT NULL,
        message_json TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_ms INTEGER NOT NULL,
        created_ms INTEGER NOT NULL
      );
      CREATE TABLE notify_deliveries (
        id INTEGER PRIMARY KEY,
        at_ms INTEGER NOT NULL,
        channel_id TEXT NOT NULL,
        alert_id TEXT,
        action TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        ok INTEGER NOT NULL,
        error TEXT,
        duration_ms INTEGER NOT NULL
      );
      CREATE INDEX notify_deliveries_at ON notify_deliveries(at_ms);
      -- Which channels were told about an alert: its resolution always goes to them too.
      CREATE TABLE notify_sent (
        alert_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        PRIMARY KEY (alert_id, channel_id)
      );
    `,
  },
];
