import fastifyCookie from "@fastify/cookie";
import fastifySwagger from "@fastify/swagger";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Aggregator } from "../aggregator/aggregator.js";
import { HallMovingError } from "../alerts/alert-actions.js";
import type { AlertChange, AlertService } from "../alerts/alert-service.js";
import type { DeviceCookies } from "../auth/device-cookie.js";
import type { ThrottlePolicy } from "../auth/login-throttle.js";
import { registerRequestAuth } from "../auth/request-auth.js";
import type { MaintenanceCalendar } from "../calendar/maintenance-calendar.js";
import type { ReadinessService } from "../calendar/readiness-service.js";
import type { AlertFeed } from "../cluster/alert-relay.js";
import type { ClusterView } from "../cluster/cluster-view.js";
import { registerConsole } from "../console/console.js";
import type { DeviceKind } from "../contract/index.js";
import type { RulesConfig } from "../core/faults/config.js";
import type { InspectionService } from "../inspections/inspection-service.js";
import type { Logger } from "../logging.js";
import type { NotificationDispatcher } from "../notify/dispatcher.js";
import type { ActionLinks } from "../notify/people/action-links.js";
import type { ChainPort } from "../notify/people/chains.js";
import type { ContactPort } from "../notify/people/contact-store.js";
import type { LinkPolicyPort } from "../notify/people/link-policy.js";
import type { NotifyStore } from "../notify/store.js";
import type { ReportSchedulePort } from "../reports/schedule-store.js";
import type { AuditPort } from "../store/audit.js";
import type { CredentialPort } from "../store/credentials.js";
import type { HallDirectory } from "../store/hall-directory.js";
import type { RosterPort } from "../store/rosters.js";
import type { SilencePort } from "../store/silences.js";
import type { UserPort } from "../store/users.js";
import { API_ERRORS, ApiError, errorBody } from "./errors.js";
import type { HealthChecks } from "./health-checks.js";
import type { MetricsRegistry } from "./metrics.js";
import type { PresenceReads } from "./presence-reads.js";
import { registerActRoutes } from "./routes/act.js";
import { registerAdminRoutes } from "./routes/admin.js";
import { registerAgentRoutes } from "./routes/agents.js";
import { registerAlertRoutes } from "./routes/alerts.js";
import { registerAuthRoutes } from "./routes/auth.js";
import { registerClusterRoutes } from "./routes/cluster.js";
import { registerClusterAlertRoutes } from "./routes/cluster-alerts.js";
import { registerContactRoutes } from "./routes/contacts.js";
import { registerDeadLetterRoutes } from "./routes/dead-letters.js";
import { registerDeviceActionRoutes } from "./routes/device-actions.js";
import { registerDeviceAdminRoutes } from "./routes/device-admin.js";
import { registerDeviceRoutes } from "./routes/devices.js";
import { registerEscalationRoutes } from "./routes/escalation.js";
import { registerHallRoutes } from "./routes/halls.js";
import { registerHealthRoutes } from "./routes/health.js";
import { registerInspectionRoutes } from "./routes/inspections.js";
import { registerMaintenanceRoutes } from "./routes/maintenance.js";
import { registerNotifyRoutes } from "./routes/notify.js";
import { registerOnDutyRoutes } from "./routes/on-duty.js";
import { registerOverviewRoutes } from "./routes/overview.js";
import { registerReadinessRoutes } from "./routes/readiness.js";
import { registerReportScheduleRoutes } from "./routes/report-schedules.js";
import { registerReportRoutes } from "./routes/reports.js";
import { registerRosterCalendarRoutes } from "./routes/roster-calendar.js";
import { registerRosterRoutes } from "./routes/rosters.js";
import { registerSilenceRoutes } from "./routes/silences.js";
import { registerTokenAdminRoutes } from "./routes/tokens.js";
import { registerUptimeRoutes } from "./routes/uptime.js";
import { registerUserRoutes } from "./routes/users.js";

export interface AuthDeps {
  users: UserPort;
  audit: AuditPort;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  /** Secure cookies need HTTPS; set behind a TLS-terminating proxy. */
  secureCookies: boolean;
  throttle?: ThrottlePolicy;
  /** Signs known-device cookies; a random key per process when absent (devices are then forgotten at restart). */
  deviceCookies?: DeviceCookies;
  /** API tokens created without an expiry live this long (default 90 days); none longer than the max (365). */
  tokenDefaultDays?: number;
  tokenMaxDays?: number;
}

/** How the HTTP server treats its connections; see `http` in src/config/config.ts. */
export interface HttpServerOptions {
  trustProxy: boolean | string;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
}

export interface ApiDeps {
  auth: AuthDeps;
  /** Defaults: no proxy trusted, 30 s per request, 10 s for headers. */
  http?: HttpServerOptions;
  aggregator: Aggregator;
  /**
   * False on a node without the api role (HALLWATCH_ROLES): it answers health, metrics and the other nodes'
   * forwarded alert actions only.
   */
  serveApi?: boolean;
  /** The devices and agents shown; default the aggregator's memory (every hall is this node's). */
  presence?: PresenceReads;
  alerts?: AlertService;
  halls: HallDirectory;
  /** Agent provisioning from the admin pages; absent where no one provisions (benchmarks). */
  credentials?: CredentialPort;
  /** Told after a revocation or rotation, so open connections with the old secret end at once. */
  onCredentialsChanged?: () => void | Promise<void>;
  maintenance?: MaintenanceCalendar;
  /** Provisioned agents that cannot connect (the demo's, today), reported by /api/health. */
  agentConnectionProblems?: () => { hallId: string; agentId: string; error: string }[];
  notify?: { store: NotifyStore; dispatcher: NotificationDispatcher };
  /** Personal contact points and the server's VAPID public key (issue 14). */
  people?: { contacts: ContactPort; vapidPublicKey: string };
  silences?: SilencePort;
  /** Scheduled reports' schedules per hall (GET/PUT /api/halls/:hallId/report-schedule). */
  reportSchedules?: ReportSchedulePort;
  /** Escalation to people (issue 14): chains, signed action links and each user's link policy. */
  escalation?: { chains: ChainPort; links: ActionLinks; linkPolicy: LinkPolicyPort };
  /** Kinds that must be up whether the hall is open or not (uptime counts them all day). */
  aroundTheClockKinds?: ReadonlySet<DeviceKind>;
  readiness?: ReadinessService;
  /** GET /api/cluster: this node alone, or the nodes sharing the halls (docs/scale-out.md). */
  cluster?: ClusterView;
  /**
   * Several nodes: POST /api/cluster/alerts/:id/actions takes the alert actions other nodes forward here, signed
   * with `key` (clusterForwardingKey of the shared secret key). Absent: the route does not exist.
   */
  clusterForwarding?: { key: Buffer };
  /**
   * Several nodes: alert changes of the halls other nodes hold (AlertRelay.feed), sent on GET /api/alerts/stream
   * besides this node's own.
   */
  alertFeed?: AlertFeed;
  /**
   * This node's alert changes for the live stream, handed out after the ingest turn that made them
   * (AlertChangeQueue.on); default: straight from the alert service's bus.
   */
  alertChanges?: (listener: (change: AlertChange) => void) => () => void;
  /** The fault rules in force (e.g. an extinguisher's green zone drawn on its pressure chart). */
  rules?: RulesConfig;
  inspections?: InspectionService;
  /** Duty rosters and the calendar feeds of their people (issue 14). */
  rosters?: RosterPort;
  /** The console's address as people reach it (QR labels); the request's own address when absent. */
  publicUrl?: string | null;
  metrics: MetricsRegistry;
  /** The separate checks of GET /api/health (store, disk, broker, influx, …); the broker alone when absent. */
  health?: HealthChecks;
  /** Remote actions: how long the API waits for an agent's reply, and how long a sent command stays valid. */
  actions?: { replyTimeoutMs?: number; commandTtlMs?: number };
  logger: Logger;
  version: string;
  now?: () => number;
}

/** What a node without the api role still answers: health, metrics, and the other nodes' forwarded alert actions. */
const NODE_ONLY_PATHS = [/^\/api\/health$/, /^\/metrics$/, /^\/api\/cluster\/alerts\/[^/]+\/actions$/];

/** Builds the HTTP API without listening, so tests can call `app.inject()`. */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  // Request logs would drown the useful lines at info level; errors are still logged by the error handler.
  const httpLogger = deps.logger.child({ component: "http" }, { level: "warn" }) as FastifyBaseLogger;
  const http = deps.http ?? { trustProxy: false, requestTimeoutMs: 30_000, headersTimeoutMs: 10_000 };
  const app = Fastify({
    loggerInstance: httpLogger,
    trustProxy: http.trustProxy,
    // Signed action links carry their token in the path (/api/act/<token>, about 200 characters).
    routerOptions: { maxParamLength: 512 },
    // Slow-body and slow-header clients are cut off; a response may still stream for hours (the SSE alert
    // stream): these bound only how long receiving the request may take.
    requestTimeout: http.requestTimeoutMs,
    http: {
      headersTimeout: http.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(http.headersTimeoutMs / 4))),
    },
  });
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: "Hallwatch API", version: deps.version },
      components: {
        securitySchemes: {
          session: { type: "apiKey", in: "cookie", name: "hallwatch_session" },
          token: { type: "http", scheme: "bearer" },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
  });
  if (deps.serveApi === false) {
    app.addHook("onRequest", async (request, reply) => {
      const path = request.url.split("?")[0] ?? "";
      if (NODE_ONLY_PATHS.some((allowed) => allowed.test(path))) return;
      return reply
        .status(404)
        .send(
          errorBody(
            "route_not_found",
            "this node does not serve the API or the console (HALLWATCH_ROLES has no api); use a node that does",
          ),
        );
    });
  }
  registerRequestAuth(app, {
    users: deps.auth.users,
    sessionIdleMs: deps.auth.sessionIdleMs,
    sessionAbsoluteMs: deps.auth.sessionAbsoluteMs,
    now: deps.now ?? Date.now,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError)
      return reply.status(error.status).send(errorBody(error.code, error.message, error.details));
    // An alert's hall is changing owner (several nodes): a retry in a few seconds reaches the new one.
    if (error instanceof HallMovingError)
      return reply
        .status(API_ERRORS.hall_moving.status)
        .header("retry-after", "3")
        .send(errorBody("hall_moving", error.message));
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.map((v) => ({ path: v.instancePath || "/", message: v.message }));
      return reply
        .status(400)
        .send(errorBody("bad_request", `invalid ${error.validationContext ?? "request"}`, details));
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.status(status).send(errorBody("bad_request", (error as Error).message));
    }
    request.log.error({ err: error }, "request failed");
    return reply.status(500).send(errorBody("internal", API_ERRORS.internal.message));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(errorBody("route_not_found", `no endpoint ${request.method} ${request.url.split("?")[0]}`)),
  );
  const typed = app.withTypeProvider<ZodTypeProvider>();
  await registerHealthRoutes(typed, deps);
  await registerClusterRoutes(typed, deps);
  await registerClusterAlertRoutes(typed, deps);
  await registerAuthRoutes(typed, deps);
  await registerUserRoutes(typed, deps);
  await registerTokenAdminRoutes(typed, deps);
  await registerHallRoutes(typed, deps);
  await registerAgentRoutes(typed, deps);
  await registerDeviceRoutes(typed, deps);
  await registerDeviceAdminRoutes(typed, deps);
  await registerDeviceActionRoutes(typed, deps);
  await registerDeadLetterRoutes(typed, deps);
  await registerAlertRoutes(typed, deps);
  await registerAdminRoutes(typed, deps);
  await registerUptimeRoutes(typed, deps);
  await registerMaintenanceRoutes(typed, deps);
  await registerReadinessRoutes(typed, deps);
  await registerReportRoutes(typed, deps);
  await registerReportScheduleRoutes(typed, deps);
  await registerOverviewRoutes(typed, deps);
  await registerNotifyRoutes(typed, deps);
  await registerContactRoutes(typed, deps);
  await registerInspectionRoutes(typed, deps);
  await registerRosterRoutes(typed, deps);
  await registerOnDutyRoutes(typed, deps);
  await registerRosterCalendarRoutes(typed, deps);
  await registerEscalationRoutes(typed, deps);
  await registerActRoutes(typed, deps);
  await registerSilenceRoutes(typed, deps);
  await registerConsole(app);
  typed.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  return app;
}
