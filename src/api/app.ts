import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Aggregator } from "../aggregator/aggregator.js";
import type { AlertService } from "../alerts/alert-service.js";
import type { Logger } from "../logging.js";
import type { HallStore } from "../store/halls.js";
import { API_ERRORS, ApiError, errorBody } from "./errors.js";
import type { MetricsRegistry } from "./metrics.js";
import { registerAgentRoutes } from "./routes/agents.js";
import { registerAlertRoutes } from "./routes/alerts.js";
import { registerDeadLetterRoutes } from "./routes/dead-letters.js";
import { registerDeviceRoutes } from "./routes/devices.js";
import { registerHallRoutes } from "./routes/halls.js";
import { registerHealthRoutes } from "./routes/health.js";

export interface ApiDeps {
  aggregator: Aggregator;
  alerts?: AlertService;
  halls: HallStore;
  metrics: MetricsRegistry;
  logger: Logger;
  version: string;
  now?: () => number;
}

/** Builds the HTTP API without listening, so tests can call `app.inject()`. */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  // Request logs would drown the useful lines at info level; errors are still logged by the error handler.
  const httpLogger = deps.logger.child({ component: "http" }, { level: "warn" }) as FastifyBaseLogger;
  const app = Fastify({ loggerInstance: httpLogger });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError)
      return reply.status(error.status).send(errorBody(error.code, error.message, error.details));
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
  await registerHallRoutes(typed, deps);
  await registerAgentRoutes(typed, deps);
  await registerDeviceRoutes(typed, deps);
  await registerDeadLetterRoutes(typed, deps);
  await registerAlertRoutes(typed, deps);
  return app;
}
