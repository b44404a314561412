import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { Aggregator } from "../aggregator/aggregator.js";
import { AlertChangeQueue } from "../alerts/alert-change-queue.js";
import { publishAlertChanges } from "../alerts/alert-publisher.js";
import { AlertService } from "../alerts/alert-service.js";
import { buildApi } from "../api/app.js";
import { HealthChecks } from "../api/health-checks.js";
import { createMetrics } from "../api/metrics.js";
import { SharedPresenceReads } from "../api/presence-reads.js";
import { ensureDemoUsers, ensureFirstAdmin } from "../auth/bootstrap.js";
import { UserDirectory } from "../auth/user-directory.js";
import { MaintenanceCalendar } from "../calendar/maintenance-calendar.js";
import { ReadinessService } from "../calendar/readiness-service.js";
import { AlertForwarder } from "../cluster/alert-forwarding.js";
import { AlertRelay } from "../cluster/alert-relay.js";
import { registerClusterMetrics } from "../cluster/cluster-metrics.js";
import { type ClusterView, RateMeter, SingleNodeView } from "../cluster/cluster-view.js";
import { LeaseStore } from "../cluster/lease-store.js";
import { type AnotherNodeError, OneNodeGuard } from "../cluster/one-node-lock.js";
import type { HallwatchConfig } from "../config/config.js";
import { SYSTEM_HALL_ID } from "../contract/index.js";
import { parseRulesConfig, type RulesConfig, RulesConfigError } from "../core/faults/config.js";
import { RosterDutyLookup } from "../core/rosters/index.js";
import { InfluxHistory } from "../influx/influx-history.js";
import { registerInfluxMetrics } from "../influx/metrics.js";
import { StateRefresher } from "../influx/state-refresh.js";
import { registerDemoFireAssets } from "../inspections/demo-assets.js";
import { InspectionHistoryBridge } from "../inspections/history-bridge.js";
import { InspectionService } from "../inspections/inspection-service.js";
import type { Logger } from "../logging.js";
import { NotificationDispatcher } from "../notify/dispatcher.js";
import type { PersonalNotifier } from "../notify/people/personal-notifier.js";
import type { DutyLookup } from "../notify/people/ports.js";
import { ReportScheduleStore } from "../reports/schedule-store.js";
import { ReportScheduler, reportMedium } from "../reports/scheduler.js";
import { AuditLog } from "../store/audit.js";
import { WalCheckpointer } from "../store/checkpoint-worker.js";
import { CredentialStore } from "../store/credentials.js";
import { HallDirectory } from "../store/hall-directory.js";
import { HallStore } from "../store/halls.js";
import { MaintenanceStore } from "../store/maintenance.js";
import { PresenceStore } from "../store/presence-store.js";
import { RosterView } from "../store/roster-view.js";
import { RosterStore } from "../store/rosters.js";
import { SilenceStore } from "../store/silences.js";
import type { SqlEngine } from "../store/sql/engine.js";
import { errorMessage, redactUrls } from "../store/sql/error-text.js";
import { openSqlEngine } from "../store/sql/open.js";
import { SqliteEngine } from "../store/sql/sqlite-engine.js";
import { StorageHealth } from "../store/storage-health.js";
import { UserStore } from "../store/users.js";
import { raiseClockSkewAlerts } from "./clock-skew-alerts.js";
import type { AgentConnectionProblem } from "./demo-connections.js";
import { ensureDemoRoster } from "./demo-roster.js";
import { raiseDeviceConflictAlerts } from "./device-conflict-alerts.js";
import { openPeople, PEOPLE_VIEW_REFRESH_MS, type People } from "./people.js";
import { type PeopleParts, preparePeople, startPersonalNotifier } from "./people-wiring.js";
import { openSecrets } from "./secrets-at-rest.js";
import { ensureServiceSecret } from "./service-identity.js";
import { SharedHallsNode } from "./shared-halls-node.js";
import { registerStorageMetrics, wireStorageHealth } from "./storage-wiring.js";
import { VERSION } from "./version.js";
import { registerWalCheckpointMetrics } from "./wal-checkpoint-metrics.js";

/** The embedded broker as the server sees it. */
export interface EmbeddedBroker {
  start(): Promise<{ mqttPort: number; wsPort: number | null }>;
  stop(): Promise<void>;
  stats(): Record<string, number>;
  /** Closes connections whose credentials were revoked or rotated. */
  recheckCredentials(): void;
}

/** The demo hall simulator as the server sees it. */
export interface DemoSimulator {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly controlUrl: string | null;
  /** Its agents that the broker refuses, or that have been disconnected for a while (for /api/health). */
  connectionProblems?(): AgentConnectionProblem[];
}

export interface ServerParts {
  /** Builds the embedded broker; not called when `mqtt.brokerUrl` points at an external broker. */
  createBroker(config: HallwatchConfig, credentials: CredentialStore, logger: Logger): EmbeddedBroker;
  /** Prepares the demo hall (provisioning its agents) and builds its simulator. */
  createDemo?(
    config: HallwatchConfig,
    ctx: { halls: HallDirectory; credentials: CredentialStore; brokerUrl: string; logger: Logger },
  ): Promise<DemoSimulator>;
  /**
   * The clock of the API (sessions, tokens, sign-in throttling), alerts and readiness; Date.now when absent. Tests
   * move it to any instant.
   */
  now?: () => number;
  /** Rosters, personal contacts and senders, silences (issue 14): without them no one is notified in person. */
  people?: PeopleParts;
  /**
   * Another node took this node's PostgreSQL database while it was cut off from it (OneNodeGuard): the process
   * must stop, or both would process every hall. main.ts stops and exits with code 2.
   */
  onAnotherNode?: (err: AnotherNodeError) => void;
}

export interface RunningAddresses {
  httpUrl: string;
  mqttUrl: string;
  mqttWsUrl: string | null;
  simulatorControlUrl: string | null;
}

/**
 * Hallwatch in one process: SQLite, the embedded broker (unless an external one is configured),
 * the aggregator, the HTTP API, and the demo hall. start() and stop() are symmetric.
 */
export class HallwatchServer {
  private sql: SqlEngine | null = null;
  /** SQLite only: WAL checkpoints on a worker thread, off the event loop (a no-op for :memory:). */
  private walCheckpointer: WalCheckpointer | null = null;
  private oneNodeGuard: OneNodeGuard | null = null;
  private messageRate: RateMeter | null = null;
  /** Shared mode (cluster.mode "shared"): this node's leases and hall takeovers. */
  private sharedHalls: SharedHallsNode | null = null;
  private httpPort: number | null = null;
  private alertRelay: AlertRelay | null = null;
  private hallDirectory: HallDirectory | null = null;
  private maintenanceCalendar: MaintenanceCalendar | null = null;
  private broker: EmbeddedBroker | null = null;
  private aggregatorInstance: Aggregator | null = null;
  private alertService: AlertService | null = null;
  private readiness: ReadinessService | null = null;
  private inspectionService: InspectionService | null = null;
  private rosterStore: RosterView | null = null;
  private history: InfluxHistory | null = null;
  private inspectionHistory: InspectionHistoryBridge | null = null;
  private stateRefresher: StateRefresher | null = null;
  private notifier: NotificationDispatcher | null = null;
  /** Contact points and personal senders (issue 14): the personal notifier sends through `senders`. */
  contactPoints: People | null = null;
  private reports: ReportScheduler | null = null;
  private personalNotifier: PersonalNotifier | null = null;
  private stopReadinessNotices: (() => void) | null = null;
  private stopAlertPublisher: (() => void) | null = null;
  private alertChanges: AlertChangeQueue | null = null;
  private api: FastifyInstance | null = null;
  private demo: DemoSimulator | null = null;

  private sessionSweep: NodeJS.Timeout | null = null;
  private userDirectory: UserDirectory | null = null;
  private storage: StorageHealth | null = null;
  private stopStorageWiring: (() => void) | null = null;

  constructor(
    private readonly config: HallwatchConfig,
    private readonly logger: Logger,
    private readonly parts: ServerParts,
    /** Where one-time secrets (the first admin's password) are shown: the console, never the log. */
    private readonly print: (line: string) => void = (line) => console.log(line),
  ) {}

  /** Personal notices and escalation chains; null without the people parts. */
  get people(): PersonalNotifier | null {
    return this.personalNotifier;
  }

  get dispatcher(): NotificationDispatcher {
    if (!this.notifier) throw new Error("server not started");
    return this.notifier;
  }

  get demoSimulator(): DemoSimulator | null {
    return this.demo;
  }

  get alerts(): AlertService {
    if (!this.alertService) throw new Error("server not started");
    return this.alertService;
  }

  get inspections(): InspectionService {
    if (!this.inspectionService) throw new Error("server not started");
    return this.inspectionService;
  }

  /** Who is on duty per hall and role, from the duty rosters (personal routing and escalation read this). */
  get duty(): DutyLookup {
    const store = this.rosterStore;
    if (!store) throw new Error("server not started");
    return new RosterDutyLookup(() => store.current());
  }

  /** Scheduled reports; tests call `poll()` after moving the clock. */
  get reportScheduler(): ReportScheduler {
    if (!this.reports) throw new Error("server not started");
    return this.reports;
  }

  /** The system of record behind the SQL port (tests read the stores' tables through it). */
  get sqlEngine(): SqlEngine {
    if (!this.sql) throw new Error("server not started");
    return this.sql;
  }

  /**
   * GET /api/cluster: the shared database's nodes and leases, or this node alone owning every hall; messages per
   * second sampled every 5 s.
   */
  private clusterView(
    aggregator: Aggregator,
    halls: HallDirectory,
    shared: SharedHallsNode | null,
  ): ClusterView {
    const rate = new RateMeter(() => aggregator.receivedMessages);
    rate.start(5_000);
    this.messageRate = rate;
    if (shared) return shared.view;
    return new SingleNodeView({
      nodeId: this.config.cluster.nodeId,
      roles: this.config.cluster.roles,
      startedMs: (this.parts.now ?? Date.now)(),
      hallIds: () => halls.list().map((h) => h.id),
      messagesPerSec: () => rate.current,
      now: this.parts.now ?? Date.now,
    });
  }

  /** Where the other nodes reach this node's API: cluster.address, else the address it listens on. */
  private nodeAddress(): string | null {
    if (this.config.cluster.address) return this.config.cluster.address.replace(/\/$/, "");
    if (this.httpPort === null) return null;
    const host = ["0.0.0.0", "::"].includes(this.config.http.host) ? hostname() : this.config.http.host;
    return `http://${host.includes(":") ? `[${host}]` : host}:${this.httpPort}`;
  }

  get aggregator(): Aggregator {
    if (!this.aggregatorInstance) throw new Error("server not started");
    return this.aggregatorInstance;
  }

  async start(): Promise<RunningAddresses> {
    const { config, logger } = this;
    const rules = loadRules(config.rulesFile);
    if (config.databaseUrl && config.cluster.mode === "single") {
      // Before anything is read or migrated: a second node on the database stops here (see OneNodeLock).
      this.oneNodeGuard = await OneNodeGuard.start(config.databaseUrl, config.cluster.nodeId, {
        onTaken: (err) => {
          logger.fatal({ err: err.message }, "another node runs on this database: this node must stop");
          this.parts.onAnotherNode?.(err);
        },
        onRetryError: (err) =>
          logger.warn({ err: err.message }, "one-node lock not held: the database is away"),
      });
    }
    // The system of record: the shared PostgreSQL when HALLWATCH_DATABASE_URL is set, else the SQLite file.
    const sql = await openSqlEngine({
      databaseUrl: config.databaseUrl,
      sqlitePath: join(config.dataDir, "hallwatch.db"),
      onError: (err) => logger.warn({ err: redactUrls(errorMessage(err)) }, "a database connection failed"),
    });
    this.sql = sql;
    if (sql instanceof SqliteEngine) {
      this.walCheckpointer = new WalCheckpointer(sql.db, {
        logger: logger.child({ component: "wal-checkpoint" }),
      });
      this.walCheckpointer.start();
    }
    // Whether what arrives can be stored (full or read-only disk): checked before the aggregator announces itself.
    const storage = new StorageHealth({
      sql,
      dataDir: config.dataDir,
      logger: logger.child({ component: "storage" }),
    });
    this.storage = storage;
    await storage.start();
    const reportStorageError = (err: unknown) => storage.reportFailure(err);
    const health = new HealthChecks();
    const credentials = new CredentialStore(sql);
    // Halls and opening hours in memory for the rules and calendars; a change from the CLI or another node is seen
    // within the refresh interval.
    const halls = await HallDirectory.open(new HallStore(sql), {
      onRefreshError: (err) => logger.warn({ err }, "halls not reloaded; tried again at the next refresh"),
    });
    halls.start();
    this.hallDirectory = halls;
    const shared =
      config.cluster.mode === "shared"
        ? new SharedHallsNode({
            config,
            sql,
            hallIds: () => halls.list().flatMap((h) => (h.id === SYSTEM_HALL_ID ? [] : [h.id])),
            address: () => this.nodeAddress(),
            stats: () => ({ messagesPerSec: this.messageRate?.current ?? null }),
            logger: logger.child({ component: "cluster" }),
          })
        : null;
    this.sharedHalls = shared;
    // Synchronous callers (notification language, report recipients) read users from this node's copy.
    const directory = new UserDirectory(
      { list: () => users.list(), get: (username) => users.get(username) },
      (err) => logger.warn({ err }, "user directory not refreshed; tried again later"),
    );
    this.userDirectory = directory;
    const users = new UserStore(sql, reportStorageError, (username) => void directory.changed(username));
    const audit = new AuditLog(sql, reportStorageError, (err) =>
      logger.error({ err }, "audit entry could not be written and was dropped"),
    );
    const maintenance = await MaintenanceCalendar.open(new MaintenanceStore(sql), halls, {
      onRefreshError: (err) =>
        logger.warn({ err }, "maintenance windows not reloaded; tried again at the next refresh"),
    });
    maintenance.start();
    this.maintenanceCalendar = maintenance;
    await ensureFirstAdmin(users, config.auth.adminPassword, this.print);
    const secrets = await openSecrets(config, sql);
    // Rosters and contacts are read synchronously on the notification path: in-memory views, reloaded behind.
    const onViewError = (err: unknown) => {
      storage.reportFailure(err);
      logger.warn({ err }, "rosters or contacts not reloaded; tried again shortly");
    };
    const rosters = await RosterView.open(new RosterStore(sql, secrets.calendarFeedKey), onViewError);
    rosters.start(PEOPLE_VIEW_REFRESH_MS);
    this.rosterStore = rosters;
    await directory.load();
    directory.start(USER_DIRECTORY_REFRESH_MS);
    try {
      await users.capApiTokenExpiry((this.parts.now ?? Date.now)() + config.auth.tokenMaxDays * 86_400_000);
    } catch (err) {
      logger.warn(
        { err },
        "could not cap the expiry of older API tokens (store not writable); retried at next start",
      );
    }
    this.sessionSweep = setInterval(() => {
      users
        .deleteExpiredSessions()
        .catch((err: unknown) =>
          logger.warn({ err }, "expired sessions not deleted; tried again in an hour"),
        );
    }, 3_600_000);
    this.sessionSweep.unref();

    let brokerUrl: string;
    let password: string;
    let wsUrl: string | null = null;
    if (config.mqtt.brokerUrl) {
      brokerUrl = config.mqtt.brokerUrl;
      if (!config.mqtt.password)
        throw new Error("HALLWATCH_MQTT_PASSWORD is required with an external broker");
      password = config.mqtt.password;
    } else {
      password = await ensureServiceSecret(config.dataDir, config.mqtt.username, credentials, (err) => {
        storage.reportFailure(err);
        logger.error({ err }, "the broker secret file cannot be written: using it from memory for this run");
      });
      this.broker = this.parts.createBroker(config, credentials, logger.child({ component: "broker" }));
      const ports = await this.broker.start();
      const reachableHost = config.mqtt.host === "0.0.0.0" ? "127.0.0.1" : config.mqtt.host;
      brokerUrl = `mqtt://${reachableHost}:${ports.mqttPort}`;
      if (ports.wsPort !== null) wsUrl = `ws://${reachableHost}:${ports.wsPort}`;
    }

    const aggregator = new Aggregator({
      brokerUrl,
      username: config.mqtt.username,
      password,
      sql,
      logger: logger.child({ component: "aggregator" }),
      silencePolicy: config.presence,
      maxPayloadBytes: config.mqtt.maxPayloadBytes,
      deadLetterMaxRows: config.deadLetters.maxRows,
      series: {
        retentionMs: config.series.retentionDays * 86_400_000,
        ...(this.parts.now ? { now: this.parts.now } : {}),
      },
      // Shared: no ingest log (a hall may be another node's by the time this node could replay it).
      ...(shared
        ? {
            shared: {
              fence: shared.fence,
              statusReassertMs: config.cluster.leaseMs + config.cluster.heartbeatMs,
            },
          }
        : { ingestLogDir: join(config.dataDir, "ingest-log") }),
      deferLive: true,
      clockSkew: {
        thresholdMs: config.clockSkew.thresholdSec * 1000,
        alertAfterMs: config.clockSkew.alertAfterSec * 1000,
      },
    });
    this.aggregatorInstance = aggregator;
    aggregator.setStorageReady(storage.current.writable);
    await aggregator.start();

    const alerts = new AlertService({
      sql,
      aggregator,
      rules,
      logger: logger.child({ component: "alerts" }),
      openingHours: (hallId) => halls.openingHours(hallId),
      inMaintenance: (device, nowMs) => maintenance.isInMaintenance(device, nowMs),
      calendarRecheckMs: config.alerts.calendarRecheckSec * 1000,
      aroundTheClockKinds: new Set(config.alerts.aroundTheClockKinds),
      onStorageError: reportStorageError,
      ...(shared
        ? {
            cluster: {
              fence: shared.fence,
              holds: (hallId: string) => shared.handles(hallId),
              // A person's action on another node's hall is applied by that node (docs/scale-out.md).
              remote: new AlertForwarder({
                nodeId: config.cluster.nodeId,
                leases: new LeaseStore(sql),
                key: secrets.clusterForwardingKey,
                holds: (hallId) => shared.handles(hallId),
                logger: logger.child({ component: "cluster" }),
              }),
            },
          }
        : {}),
      ...(this.parts.now ? { now: this.parts.now } : {}),
    });
    this.alertService = alerts;
    // What only reports alert changes (live stream, notices, MQTT, InfluxDB) gets them after the ingest turn.
    const alertChanges = new AlertChangeQueue(
      (listener) => alerts.bus.on("alert_changed", listener),
      logger.child({ component: "alerts" }),
    );
    alertChanges.start();
    this.alertChanges = alertChanges;
    // Subscribed before alerts start and with no await since the aggregator started, so no telemetry is missed.
    const history = config.influx.url
      ? this.startHistory(config, aggregator, alerts, halls, maintenance)
      : null;
    // Before goLive(): no telemetry is processed until the current alerts and condition states are loaded.
    await alerts.start();
    const stopStorageAlert = wireStorageHealth({ storage, aggregator, alerts, history, health });
    const stopStorageRetries = storage.bus.on("storage_changed", (state) => {
      if (!state.writable) return;
      users
        .flushUnsavedSessions()
        .catch((err: unknown) => logger.error({ err }, "sessions kept in memory could not be written"));
      void audit.flushUnsaved(); // never rejects
    });
    this.stopStorageWiring = () => {
      stopStorageAlert();
      stopStorageRetries();
    };
    raiseDeviceConflictAlerts((listener) => aggregator.bus.on("device_conflict", listener), alerts);
    raiseClockSkewAlerts((listener) => aggregator.bus.on("clock_skew", listener), alerts);
    aggregator.goLive(); // replays the ingest log into every listener above, then announces "online"
    this.readiness = new ReadinessService({
      sql,
      halls,
      aggregator,
      alerts,
      logger: logger.child({ component: "readiness" }),
      inspectionsDue: (hallId, openingMs) => this.inspectionService?.dueBy(hallId, openingMs) ?? [],
      ...(shared ? { handles: (hallId: string) => shared.handles(hallId) } : {}),
      ...(this.parts.now ? { now: this.parts.now } : {}),
    });
    this.readiness.start();
    // Holds assets, policies and the current periods' records in memory: dueBy above is read synchronously.
    const inspections = await InspectionService.open({
      sql,
      halls,
      alerts,
      sensor: (hallId, deviceId) => {
        const device = aggregator.presence.device(hallId, deviceId);
        return device
          ? {
              values: device.values as Record<string, unknown> | null,
              connectivity: device.connectivity,
              lastSeenMs: device.lastSeenMs,
            }
          : null;
      },
      logger: logger.child({ component: "inspections" }),
      serviceLife: config.inspections.serviceLife,
      reminderDays: config.inspections.reminderDays,
      retentionDays: config.inspections.retentionDays,
    });
    this.inspectionService = inspections;
    if (history) {
      this.inspectionHistory = new InspectionHistoryBridge(
        inspections,
        history,
        logger.child({ component: "influx" }),
      );
      this.inspectionHistory.start();
    }
    const notifyStore = secrets.notifyStore;
    const people = await openPeople(
      config,
      sql,
      secrets.box,
      notifyStore,
      this.parts.now ?? Date.now,
      onViewError,
    );
    this.contactPoints = people;
    const silences = new SilenceStore(sql);
    const reportSchedules = new ReportScheduleStore(sql);
    const escalation = preparePeople({
      config,
      sql,
      actionLinkKey: secrets.actionLinkKey,
      alerts,
      logger,
      parts: this.parts.people ?? {
        duty: this.duty,
        contacts: people.contacts,
        senders: people.senders,
        silences,
      },
    });
    const notifier = new NotificationDispatcher({
      store: notifyStore,
      silences,
      groupWindowMs: config.notify.groupWindowMs,
      nodeId: config.cluster.nodeId,
      // Only nodes with the jobs role send; every node queues the notices of the alerts it holds.
      deliver: config.cluster.roles.includes("jobs"),
      subscribe: (listener) => alertChanges.on(listener),
      logger: logger.child({ component: "notify" }),
      linkBaseUrl: config.publicUrl,
      loadAttachment: (ref) => reportSchedules.loadFile(ref),
      languageOf: (username) => directory.get(username)?.language ?? null,
      ...escalation.dispatcher,
      ...(this.parts.now ? { now: this.parts.now } : {}),
    });
    this.notifier = notifier;
    notifier.start();
    this.personalNotifier = startPersonalNotifier({
      store: notifyStore,
      dispatcher: notifier,
      alerts,
      alertChanges: (listener) => alertChanges.on(listener),
      users: directory,
      links: escalation.api.links,
      chains: escalation.api.chains,
      linkBaseUrl: config.publicUrl,
      parts: escalation.parts,
      logger: logger.child({ component: "people" }),
      ...(this.parts.now ? { now: this.parts.now } : {}),
    });
    this.stopReadinessNotices = this.readiness.bus.on("readiness_report", (report) => {
      void notifier.onReadiness(report); // a failure is logged where it is queued
    });
    this.reports = new ReportScheduler({
      schedules: reportSchedules,
      sources: {
        aggregator,
        halls,
        alerts,
        maintenance,
        inspections,
        aroundTheClockKinds: new Set(config.alerts.aroundTheClockKinds),
      },
      users: directory,
      ...(shared ? { handles: (hallId: string) => shared.handles(hallId) } : {}),
      reportMediumOf: (username) =>
        reportMedium(
          people.contacts.address(username, "email") !== null,
          people.contacts.contactsOf(username)?.media ?? [],
        ),
      notify: { store: notifyStore, dispatcher: notifier },
      linkBaseUrl: config.publicUrl,
      chromiumPath: config.reports.chromiumPath,
      logger: logger.child({ component: "reports" }),
      pollIntervalMs: config.reports.pollIntervalSec * 1000,
      ...(this.parts.now ? { now: this.parts.now } : {}),
    });
    // Shared: the live stream also carries the alerts of halls other nodes own, as they publish them.
    const relay = shared
      ? new AlertRelay({
          subscribe: (filter, onMessage) => aggregator.subscribeTopic(filter, onMessage),
          holds: (hallId) => shared.handles(hallId),
          logger: logger.child({ component: "cluster" }),
        })
      : null;
    await relay?.start();
    this.alertRelay = relay;
    this.stopAlertPublisher = publishAlertChanges(
      (listener) => alertChanges.on(listener),
      (topic, payload) => aggregator.publish(topic, payload),
    );

    const metrics = createMetrics(aggregator, this.broker);
    const cluster = this.clusterView(aggregator, halls, shared);
    registerClusterMetrics(metrics, {
      nodeId: config.cluster.nodeId,
      roles: config.cluster.roles,
      hallsOwned: () => (shared ? shared.hallsHeld : halls.list().length),
      transitions: () => (shared ? { ...shared.transitions } : { acquired: 0, released: 0, lost: 0 }),
    });
    if (history) registerInfluxMetrics(metrics, history);
    registerStorageMetrics(metrics, { storage, alerts, audit });
    if (this.walCheckpointer) registerWalCheckpointMetrics(metrics, this.walCheckpointer);
    const api = await buildApi({
      auth: {
        users,
        audit,
        sessionIdleMs: config.auth.sessionIdleMin * 60_000,
        sessionAbsoluteMs: config.auth.sessionMaxHours * 3_600_000,
        secureCookies: config.auth.secureCookies,
        deviceCookies: secrets.deviceCookies,
        tokenDefaultDays: config.auth.tokenDefaultDays,
        tokenMaxDays: config.auth.tokenMaxDays,
      },
      http: config.http,
      serveApi: config.cluster.roles.includes("api"),
      ...(this.parts.now ? { now: this.parts.now } : {}),
      aggregator,
      // Shared: the other halls' devices and agents from the database, where their owners write them.
      ...(shared
        ? {
            presence: new SharedPresenceReads(aggregator, new PresenceStore(sql)),
            clusterForwarding: { key: secrets.clusterForwardingKey },
            ...(relay ? { alertFeed: relay.feed } : {}),
          }
        : {}),
      alerts,
      alertChanges: (listener) => alertChanges.on(listener),
      halls,
      credentials,
      onCredentialsChanged: async () => {
        this.broker?.recheckCredentials();
        // A revoked agent's messages are refused from now on, not from the next reload.
        await aggregator.refreshAgents().catch((err) => logger.warn({ err }, "agents not reloaded"));
      },
      agentConnectionProblems: () => this.demo?.connectionProblems?.() ?? [],
      maintenance,
      rules,
      aroundTheClockKinds: new Set(config.alerts.aroundTheClockKinds),
      readiness: this.readiness,
      cluster,
      inspections,
      rosters,
      publicUrl: config.publicUrl,
      notify: { store: notifyStore, dispatcher: notifier },
      actions: {
        replyTimeoutMs: config.actions.replyTimeoutMs,
        commandTtlMs: config.actions.commandTtlSec * 1000,
      },
      people: { contacts: people.contacts, vapidPublicKey: people.vapid.publicKey },
      silences,
      reportSchedules,
      escalation: escalation.api,
      metrics,
      health,
      logger,
      version: VERSION,
    });
    this.api = api;
    await api.listen({ host: config.http.host, port: config.http.port });
    const address = api.server.address();
    const httpPort = typeof address === "object" && address ? address.port : config.http.port;
    this.httpPort = httpPort;
    // Takes its share of the halls from its second heartbeat on (docs/scale-out.md).
    await shared?.start({ aggregator, alerts });

    if (config.demo.enabled && this.parts.createDemo) {
      await ensureDemoUsers(users, config.demo.hallId);
      this.demo = await this.parts.createDemo(config, {
        halls,
        credentials,
        brokerUrl,
        logger: logger.child({ component: "simulator" }),
      });
      await this.demo.start();
      const demoHall = halls.get(config.demo.hallId);
      if (demoHall)
        await ensureDemoRoster(rosters, demoHall.id, demoHall.timeZone, (this.parts.now ?? Date.now)());
      if (inspections.listAssets(config.demo.hallId, true).length === 0) {
        await registerDemoFireAssets(inspections, config.demo.hallId);
      }
    }
    inspections.start();
    this.reports.start();
    return {
      httpUrl: `http://${config.http.host}:${httpPort}`,
      mqttUrl: brokerUrl,
      mqttWsUrl: wsUrl,
      simulatorControlUrl: this.demo?.controlUrl ?? null,
    };
  }

  /** The InfluxDB history: every reading, state change and alert; a full buffer raises an alert for admins. */
  private startHistory(
    config: HallwatchConfig,
    aggregator: Aggregator,
    alerts: AlertService,
    halls: HallDirectory,
    maintenance: MaintenanceCalendar,
  ): InfluxHistory {
    const history = new InfluxHistory({
      influx: { ...config.influx, url: config.influx.url as string },
      dataDir: config.dataDir,
      logger: this.logger.child({ component: "influx" }),
      onTelemetry: (l) => aggregator.bus.on("telemetry", l),
      onDeviceConnectivity: (l) => aggregator.bus.on("device_connectivity", l),
      onAlertChanged: (l) => (this.alertChanges as AlertChangeQueue).on(l),
      uptime: {
        aggregator,
        halls,
        maintenance,
        aroundTheClockKinds: new Set(config.alerts.aroundTheClockKinds),
      },
    });
    this.history = history;
    aggregator.addDurabilityBarrier(() => history.persisted());
    history.bus.on("buffer_full", (e) =>
      alerts.reconcileExternal(HISTORY_ALERT_KEY, {
        key: HISTORY_ALERT_KEY,
        hallId: SYSTEM_HALL_ID,
        deviceId: null,
        agentId: null,
        kind: null,
        faultType: "history_buffer_full",
        severity: "major",
        audience: ["admin", "maintenance"],
        summary: {
          en: "InfluxDB unreachable and its buffer is full: history points are being dropped",
          zh: "InfluxDB 不可达且缓冲已满，历史数据正在丢弃",
        },
        observed: e.droppedPoints,
        affected: [],
      }),
    );
    history.bus.on("buffer_recovered", (e) =>
      alerts.reconcileExternal(HISTORY_ALERT_KEY, null, {
        resolveReason: `buffer below its limit again (${e.droppedInEpisode} points dropped)`,
      }),
    );
    history.start();
    this.stateRefresher = new StateRefresher(history, {
      devices: () => aggregator.presence.allDevices(),
      activeAlerts: () => alerts.activeAlerts(),
    });
    this.stateRefresher.start();
    return history;
  }

  /** Stops everything in reverse order; safe to call twice or after a failed start. */
  async stop(): Promise<void> {
    if (this.sessionSweep) clearInterval(this.sessionSweep);
    this.sessionSweep = null;
    this.messageRate?.stop();
    this.messageRate = null;
    this.rosterStore?.stop();
    this.contactPoints?.stop();
    this.userDirectory?.stop();
    this.stopStorageWiring?.();
    this.stopStorageWiring = null;
    this.storage?.stop();
    this.storage = null;
    const steps: [string, (() => Promise<void>) | undefined][] = [
      // First: the halls are handed over (after their last writes) while everything still runs.
      ["cluster", this.sharedHalls ? () => this.sharedHalls!.stop() : undefined],
      ["simulator", this.demo ? () => this.demo!.stop() : undefined],
      ["http", this.api ? () => this.api!.close() : undefined],
      [
        "alerts",
        this.alertService
          ? async () => {
              this.alertChanges?.stop(); // hands out what is queued while its listeners still run
              this.stopAlertPublisher?.();
              this.alertRelay?.stop();
              this.alertRelay = null;
              this.readiness?.stop();
              this.inspectionService?.stop();
              this.stopReadinessNotices?.();
              await this.reports?.stop();
              await this.personalNotifier?.stop();
              await this.notifier?.stop();
              await this.alertService!.stop();
            }
          : undefined,
      ],
      [
        "history",
        this.history
          ? async () => {
              this.inspectionHistory?.stop();
              this.stateRefresher?.stop();
              await this.history!.stop();
            }
          : undefined,
      ],
      ["aggregator", this.aggregatorInstance ? () => this.aggregatorInstance!.stop() : undefined],
      ["broker", this.broker ? () => this.broker!.stop() : undefined],
    ];
    for (const [name, step] of steps) {
      if (!step) continue;
      try {
        await step();
      } catch (err) {
        this.logger.error({ err, part: name }, "failed to stop cleanly");
      }
    }
    this.sharedHalls = null;
    this.demo = null;
    this.api = null;
    this.aggregatorInstance = null;
    this.alertService = null;
    this.inspectionService = null;
    this.history = null;
    this.inspectionHistory = null;
    this.stateRefresher = null;
    this.broker = null;
    this.hallDirectory?.stop();
    this.maintenanceCalendar?.stop();
    this.maintenanceCalendar = null;
    this.hallDirectory = null;
    await this.walCheckpointer?.stop();
    this.walCheckpointer = null;
    await this.sql
      ?.close()
      .catch((err: unknown) => this.logger.error({ err }, "failed to close the database"));
    this.sql = null;
    await this.oneNodeGuard?.stop();
    this.oneNodeGuard = null;
  }
}

const HISTORY_ALERT_KEY = "_system/history/buffer_full";
/** How soon a user changed on another node reaches this node's directory (notification language, reports). */
const USER_DIRECTORY_REFRESH_MS = 30_000;

function loadRules(file: string | null): RulesConfig {
  if (file === null) return parseRulesConfig({});
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new RulesConfigError([`${file}: ${(err as Error).message}`]);
  }
  return parseRulesConfig(json);
}
