/**
 * Schema migrations, applied in order and never edited once released: add a new entry instead.
 * Times are epoch milliseconds (`*_ms`).
 */
export const MIGRATIONS: readonly {
  version: number;
  sql: string;
  /** A step SQL alone cannot say (e.g. add a column only where an earlier release had not added it yet). */
  apply?: (db: import("better-sqlite3").Database) => void;
}[] = [
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
  {
    version: 9,
    sql: `
      -- Fire-equipment registry: extinguishers and hydrant cabinets, one row per asset of a hall.
      CREATE TABLE fire_assets (
        hall_id TEXT NOT NULL REFERENCES halls(id),
        id TEXT NOT NULL,
        asset_json TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        retired_ms INTEGER,
        PRIMARY KEY (hall_id, id)
      );
      CREATE TABLE inspection_policies (
        hall_id TEXT PRIMARY KEY REFERENCES halls(id),
        policy_json TEXT NOT NULL,
        updated_ms INTEGER NOT NULL,
        updated_by TEXT NOT NULL
      );
      CREATE TABLE inspection_photos (
        id TEXT PRIMARY KEY,
        hall_id TEXT NOT NULL,
        mime TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        bytes BLOB NOT NULL,
        recorded_ms INTEGER NOT NULL
      );
      -- Inspection records are append-only: a correction is a new row pointing at the one it corrects
      -- (at most one correction per record, so corrections form a chain).
      CREATE TABLE inspection_records (
        id TEXT PRIMARY KEY,
        hall_id TEXT NOT NULL,
        asset_id TEXT NOT NULL,
        period_key TEXT NOT NULL,
        inspected_ms INTEGER NOT NULL,
        recorded_ms INTEGER NOT NULL,
        inspector TEXT NOT NULL,
        passed INTEGER NOT NULL,
        results_json TEXT NOT NULL,
        note TEXT,
        photo_id TEXT REFERENCES inspection_photos(id),
        sensor_json TEXT NOT NULL,
        corrects_id TEXT UNIQUE REFERENCES inspection_records(id)
      );
      CREATE INDEX inspection_records_asset ON inspection_records(hall_id, asset_id, period_key);
      CREATE INDEX inspection_records_time ON inspection_records(hall_id, inspected_ms);
      CREATE TABLE corrective_actions (
        id TEXT PRIMARY KEY,
        hall_id TEXT NOT NULL,
        asset_id TEXT NOT NULL,
        record_id TEXT NOT NULL REFERENCES inspection_records(id),
        item TEXT NOT NULL,
        alert_id TEXT,
        opened_ms INTEGER NOT NULL,
        opened_by TEXT NOT NULL,
        closed_ms INTEGER,
        closed_by TEXT,
        close_note TEXT
      );
      CREATE INDEX corrective_actions_open ON corrective_actions(hall_id, asset_id, closed_ms);

      -- Enforced by the database itself, whatever code writes to it: records and photos are never changed and
      -- never deleted before they are 366 days old; a corrective action only ever changes from open to closed.
      CREATE TRIGGER inspection_records_no_update BEFORE UPDATE ON inspection_records
      BEGIN SELECT RAISE(ABORT, 'inspection records are append-only: write a correction instead'); END;
      CREATE TRIGGER inspection_records_retention BEFORE DELETE ON inspection_records
      WHEN OLD.recorded_ms > CAST(strftime('%s', 'now') AS INTEGER) * 1000 - 366 * 86400000
      BEGIN SELECT RAISE(ABORT, 'inspection records are kept at least 12 months'); END;
      CREATE TRIGGER inspection_photos_no_update BEFORE UPDATE ON inspection_photos
      BEGIN SELECT RAISE(ABORT, 'inspection photos are append-only'); END;
      CREATE TRIGGER inspection_photos_retention BEFORE DELETE ON inspection_photos
      WHEN OLD.recorded_ms > CAST(strftime('%s', 'now') AS INTEGER) * 1000 - 366 * 86400000
      BEGIN SELECT RAISE(ABORT, 'inspection photos are kept at least 12 months'); END;
      CREATE TRIGGER corrective_actions_close_once BEFORE UPDATE ON corrective_actions
      WHEN OLD.closed_ms IS NOT NULL OR NEW.closed_ms IS NULL OR NEW.closed_by IS NULL
        OR NEW.id IS NOT OLD.id OR NEW.hall_id IS NOT OLD.hall_id OR NEW.asset_id IS NOT OLD.asset_id
        OR NEW.record_id IS NOT OLD.record_id OR NEW.item IS NOT OLD.item OR NEW.alert_id IS NOT OLD.alert_id
        OR NEW.opened_ms IS NOT OLD.opened_ms OR NEW.opened_by IS NOT OLD.opened_by
      BEGIN SELECT RAISE(ABORT, 'a corrective action can only be closed, once'); END;
      CREATE TRIGGER corrective_actions_retention BEFORE DELETE ON corrective_actions
      WHEN OLD.opened_ms > CAST(strftime('%s', 'now') AS INTEGER) * 1000 - 366 * 86400000 OR OLD.closed_ms IS NULL
      BEGIN SELECT RAISE(ABORT, 'corrective actions are kept at least 12 months and until closed'); END;
    `,
  },
  {
    version: 10,
    // Notification tables that release 0.x created at start-up, folded into the schema (databases that already
    // have them keep them as they are).
    sql: `
      CREATE TABLE IF NOT EXISTS notify_done (
        dedupe_key TEXT PRIMARY KEY,
        done_ms INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS notify_deliveries_channel ON notify_deliveries(channel_id, id);
    `,
    apply: (db) => {
      const columns = new Set(
        (db.prepare("PRAGMA table_info(notify_deliveries)").all() as { name: string }[]).map((c) => c.name),
      );
      if (!columns.has("http_status"))
        db.exec("ALTER TABLE notify_deliveries ADD COLUMN http_status INTEGER");
      if (!columns.has("error_code")) db.exec("ALTER TABLE notify_deliveries ADD COLUMN error_code TEXT");
    },
  },
  {
    version: 11,
    // Numeric telemetry for the console's charts without InfluxDB: one point per device, field and minute,
    // pruned past a retention period (store/telemetry-series.ts).
    sql: `
      CREATE TABLE telemetry_points (
        hall_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        field TEXT NOT NULL,
        minute INTEGER NOT NULL,
        ts_ms INTEGER NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (hall_id, device_id, field, minute)
      ) WITHOUT ROWID;
      CREATE INDEX telemetry_points_minute ON telemetry_points(minute);
    `,
  },
  {
    version: 12,
    sql: `
      -- Set for a password someone else chose (the generated first-admin password, an admin's reset): the console
      -- asks its user for a new one at sign-in. Their own change clears it.
      ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
      -- An admin's name and zone of a device, kept over its agent's births (NULL: the birth's).
      ALTER TABLE devices ADD COLUMN label_name TEXT;
      ALTER TABLE devices ADD COLUMN label_zone TEXT;
    `,
  },
  {
    version: 13,
    // Issue 13: who an alert is assigned to, and its latest comment (the card shows both; the history keeps all).
    sql: "",
    apply: (db) => {
      const columns = new Set(
        (db.prepare("PRAGMA table_info(alerts)").all() as { name: string }[]).map((c) => c.name),
      );
      if (!columns.has("assignee_json")) db.exec("ALTER TABLE alerts ADD COLUMN assignee_json TEXT");
      if (!columns.has("last_comment_json")) db.exec("ALTER TABLE alerts ADD COLUMN last_comment_json TEXT");
    },
  },
  {
    version: 14,
    // Issue 14 (channels): each person's own contact points and quiet hours, their browsers' push
    // subscriptions, and the server's VAPID key pair (the private key sealed like channel secrets).
    sql: `
      CREATE TABLE person_contacts (
        username TEXT PRIMARY KEY,
        email TEXT,
        mobile TEXT,
        wecom_user_id TEXT,
        dingtalk_user_id TEXT,
        media_json TEXT NOT NULL DEFAULT '[]',
        quiet_start TEXT,
        quiet_end TEXT,
        zone TEXT NOT NULL DEFAULT 'Asia/Shanghai',
        updated_ms INTEGER NOT NULL
      );
      CREATE TABLE push_subscriptions (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL,
        endpoint TEXT NOT NULL UNIQUE,
        p256dh TEXT NOT NULL,
        auth TEXT NOT NULL,
        label TEXT,
        created_ms INTEGER NOT NULL
      );
      CREATE INDEX push_subscriptions_user ON push_subscriptions(username);
      CREATE TABLE vapid_keys (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        public_key TEXT NOT NULL,
        private_key TEXT NOT NULL,
        created_ms INTEGER NOT NULL
      );
    `,
  },
  {
    version: 15,
    // Issue 14: duty rosters (weekly shifts, overrides and swaps kept with the roster; a deleted one is kept,
    // marked) and each person's calendar feed, whose secret token is stored only as a hash.
    sql: `
      CREATE TABLE rosters (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        hall_ids_json TEXT NOT NULL,
        time_zone TEXT NOT NULL,
        shifts_json TEXT NOT NULL,
        overrides_json TEXT NOT NULL,
        swaps_json TEXT NOT NULL,
        updated_ms INTEGER NOT NULL,
        updated_by TEXT NOT NULL,
        deleted_ms INTEGER
      );
      CREATE TABLE calendar_feeds (
        username TEXT PRIMARY KEY,
        salt TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_ms INTEGER NOT NULL
      );
    `,
  },
  {
    version: 16,
    // Issue 14, escalation to people: the chains an admin edits, each alert's progress along its chain (so a restart
    // never repeats or skips a step), the nonces of action links already used, who was told about an alert (they
    // may see it), and a user's own "action links need a sign-in" policy (NULL: the server's default).
    sql: `
      CREATE TABLE escalation_chains (
        id TEXT PRIMARY KEY,
        config_json TEXT NOT NULL,
        updated_ms INTEGER NOT NULL
      );
      CREATE TABLE escalation_progress (
        alert_id TEXT PRIMARY KEY,
        chain_id TEXT NOT NULL,
        raised_ms INTEGER NOT NULL,
        steps_done INTEGER NOT NULL DEFAULT 0,
        repeats_done INTEGER NOT NULL DEFAULT 0,
        finished INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE action_link_uses (
        nonce TEXT PRIMARY KEY,
        alert_id TEXT NOT NULL,
        username TEXT NOT NULL,
        used_ms INTEGER NOT NULL
      );
    `,
    apply: (db) => {
      const alerts = new Set(
        (db.prepare("PRAGMA table_info(alerts)").all() as { name: string }[]).map((c) => c.name),
      );
      if (!alerts.has("notified_users_json"))
        db.exec("ALTER TABLE alerts ADD COLUMN notified_users_json TEXT");
      const users = new Set(
        (db.prepare("PRAGMA table_info(users)").all() as { name: string }[]).map((c) => c.name),
      );
      if (!users.has("action_links_need_sign_in"))
        db.exec("ALTER TABLE users ADD COLUMN action_links_need_sign_in INTEGER");
    },
  },
  {
    version: 17,
    // Issue 14: silences (stop notices, never uptime), the notices they held, a hall's region for grouped notices,
    // and a grouped notice's size and summary in the delivery log.
    sql: `
      CREATE TABLE silences (
        id TEXT PRIMARY KEY,
        hall_id TEXT,
        matchers_json TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        starts_ms INTEGER NOT NULL,
        ends_ms INTEGER NOT NULL,
        lifted_by TEXT,
        lifted_ms INTEGER
      );
      CREATE INDEX silences_ends ON silences(ends_ms);
      CREATE TABLE silence_holds (
        id INTEGER PRIMARY KEY,
        silence_id TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        at_ms INTEGER NOT NULL
      );
      CREATE INDEX silence_holds_silence ON silence_holds(silence_id, id);
      CREATE INDEX silence_holds_alert ON silence_holds(alert_id);
      ALTER TABLE halls ADD COLUMN region TEXT;
      ALTER TABLE notify_deliveries ADD COLUMN group_size INTEGER;
      ALTER TABLE notify_deliveries ADD COLUMN summary TEXT;
    `,
  },
  {
    version: 18,
    // Issue 14, scheduled reports: each hall's schedule (none stored: the defaults), each report sent once per hall,
    // kind and period (a restart or a late start never sends it twice), and the large attachments (PDFs) that the
    // outbox references instead of carrying them in its JSON.
    sql: `
      CREATE TABLE report_schedules (
        hall_id TEXT PRIMARY KEY,
        schedule_json TEXT NOT NULL,
        updated_ms INTEGER NOT NULL,
        updated_by TEXT NOT NULL
      );
      CREATE TABLE report_runs (
        hall_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        period TEXT NOT NULL,
        sent_ms INTEGER NOT NULL,
        targets_json TEXT NOT NULL,
        PRIMARY KEY (hall_id, kind, period)
      ) WITHOUT ROWID;
      CREATE TABLE report_files (
        id TEXT PRIMARY KEY,
        content BLOB NOT NULL,
        created_ms INTEGER NOT NULL
      );
    `,
  },
  {
    version: 19,
    // Issue 15, halls shared between nodes: each node's heartbeat, and one lease per hall with the epoch that fences
    // every state write of the hall (src/cluster/lease-store.ts, docs/scale-out.md).
    sql: `
      CREATE TABLE cluster_nodes (
        node_id TEXT PRIMARY KEY,
        roles_json TEXT NOT NULL,
        address TEXT,
        started_ms INTEGER NOT NULL,
        heartbeat_ms INTEGER NOT NULL,
        stopped_ms INTEGER,
        stats_json TEXT
      );
      CREATE TABLE hall_leases (
        hall_id TEXT PRIMARY KEY,
        owner_node TEXT,
        epoch INTEGER NOT NULL,
        acquired_ms INTEGER,
        expires_ms INTEGER NOT NULL
      );
    `,
  },
  {
    version: 20,
    // Issue 15, work that must happen once: an outbox item is claimed by one node until its claim expires (the
    // send happens outside the claiming transaction; a node that dies mid-send leaves it to another after expiry),
    // and finishing it is fenced by the claim. Rules keep the order they were added on any engine.
    sql: `
      ALTER TABLE notify_outbox ADD COLUMN claimed_by TEXT;
      ALTER TABLE notify_outbox ADD COLUMN claim_id TEXT;
      ALTER TABLE notify_outbox ADD COLUMN claimed_until_ms INTEGER;
      ALTER TABLE notify_rules ADD COLUMN added_seq INTEGER;
      UPDATE notify_rules SET added_seq = rowid;
    `,
  },
  {
    version: 21,
    // Issue 15: a version per kind of configuration, raised by every change from any process, so a node's cached
    // view (halls and opening hours) reloads only when something changed.
    sql: `
      CREATE TABLE config_versions (
        name TEXT PRIMARY KEY,
        version INTEGER NOT NULL
      );
    `,
  },
  {
    version: 22,
    // Issue 15: a fingerprint of the secret key the database is used with, so that a node with another key (which
    // would refuse what its peers sealed and signed) stops at start (src/app/key-check.ts).
    sql: `
      CREATE TABLE secret_key_checks (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        fingerprint TEXT NOT NULL,
        created_ms INTEGER NOT NULL
      );
    `,
  },
  {
    version: 23,
    // Issue 16: the chart samples as one row per device and minute with all its numeric fields, not a row per
    // field: a third of the rows and index entries to write on the ingest path (store/telemetry-series.ts).
    sql: `
      CREATE TABLE telemetry_minutes (
        hall_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        minute INTEGER NOT NULL,
        ts_ms INTEGER NOT NULL,
        values_json TEXT NOT NULL,
        PRIMARY KEY (hall_id, device_id, minute)
      ) WITHOUT ROWID;
      CREATE INDEX telemetry_minutes_minute ON telemetry_minutes(minute);
      INSERT INTO telemetry_minutes (hall_id, device_id, minute, ts_ms, values_json)
        SELECT hall_id, device_id, minute, MIN(ts_ms), json_group_object(field, value)
        FROM telemetry_points GROUP BY hall_id, device_id, minute;
      DROP TABLE telemetry_points;
    `,
  },
];
