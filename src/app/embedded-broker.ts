import { HallwatchBroker } from "../../broker/broker.js";
import type { ServerParts } from "./server.js";

/** The embedded Aedes broker, configured from Hallwatch's config. */
export const createEmbeddedBroker: ServerParts["createBroker"] = (config, credentials, logger) =>
  new HallwatchBroker({
    host: config.mqtt.host,
    mqttPort: config.mqtt.port,
    wsPort: config.mqtt.wsPort,
    credentials,
    logger,
    maxPayloadBytes: config.mqtt.maxPayloadBytes,
    publishRatePerSec: config.mqtt.publishRatePerSec,
    publishBurst: config.mqtt.publishBurst,
  });
