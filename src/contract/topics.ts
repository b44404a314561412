import { isValidId, SYSTEM_HALL_ID } from "./ids.js";

/**
 * The topic grammar, version 1. Every Hallwatch topic is built and parsed here and nowhere else.
 *
 *   hallwatch/v1/{hallId}/{agentId}/status              agent presence, retained (also the last will)
 *   hallwatch/v1/{hallId}/{agentId}/birth               agent + hosted devices, retained
 *   hallwatch/v1/{hallId}/{agentId}/telemetry/{deviceId}
 *   hallwatch/v1/{hallId}/{agentId}/event/{deviceId}
 *   hallwatch/v1/{hallId}/{agentId}/reply               answers to commands
 *   hallwatch/v1/{hallId}/{agentId}/cmd                 commands to the agent (aggregator → agent)
 *   hallwatch/v1/_system/aggregator/status              aggregator presence, retained (also its last will)
 *   hallwatch/v1/_system/alerts/{hallId}                alert changes, for other systems (aggregator → )
 *
 * Ids never start with `_`, so `_system` cannot collide with a hall.
 */
export const TOPIC_ROOT = "hallwatch";
export const PROTOCOL_VERSION = "v1";
const PREFIX = `${TOPIC_ROOT}/${PROTOCOL_VERSION}`;

export const AGENT_TOPIC_TYPES = ["status", "birth", "telemetry", "event", "reply", "cmd"] as const;
export type AgentTopicType = (typeof AGENT_TOPIC_TYPES)[number];
const DEVICE_SCOPED: ReadonlySet<AgentTopicType> = new Set(["telemetry", "event"]);

export type AgentTopic =
  | { type: "status" | "birth" | "reply" | "cmd"; hallId: string; agentId: string }
  | { type: "telemetry" | "event"; hallId: string; agentId: string; deviceId: string };

export type ParsedTopic =
  | AgentTopic
  | { type: "aggregator_status" }
  | { type: "alert_event"; hallId: string };

export const topics = {
  agentStatus: (hallId: string, agentId: string) => `${PREFIX}/${hallId}/${agentId}/status`,
  birth: (hallId: string, agentId: string) => `${PREFIX}/${hallId}/${agentId}/birth`,
  telemetry: (hallId: string, agentId: string, deviceId: string) =>
    `${PREFIX}/${hallId}/${agentId}/telemetry/${deviceId}`,
  event: (hallId: string, agentId: string, deviceId: string) =>
    `${PREFIX}/${hallId}/${agentId}/event/${deviceId}`,
  reply: (hallId: string, agentId: string) => `${PREFIX}/${hallId}/${agentId}/reply`,
  command: (hallId: string, agentId: string) => `${PREFIX}/${hallId}/${agentId}/cmd`,
  aggregatorStatus: () => `${PREFIX}/_system/aggregator/status`,
  alertEvents: (hallId: string) => `${PREFIX}/_system/alerts/${hallId}`,
  /** Prefix under which an agent may publish (its ACL). Ends with `/`. */
  agentPrefix: (hallId: string, agentId: string) => `${PREFIX}/${hallId}/${agentId}/`,
  /**
   * What the aggregator subscribes to: the whole tree, so that malformed topics under the root are seen and
   * dead-lettered rather than silently missed (a broker that does not enforce the grammar lets them through).
   */
  aggregatorSubscriptions: () => [`${TOPIC_ROOT}/#`],
  /** What a node sharing the halls subscribes to for each hall it owns (docs/scale-out.md). */
  hallSubscription: (hallId: string) => `${PREFIX}/${hallId}/#`,
} as const;

/** The hall level of a topic under `hallwatch/v1/` (`_system` for the system topics), or null for any other topic. */
export function hallOfTopic(topic: string): string | null {
  if (!topic.startsWith(`${PREFIX}/`)) return null;
  const end = topic.indexOf("/", PREFIX.length + 1);
  return end < 0 ? null : topic.slice(PREFIX.length + 1, end);
}

/**
 * Parses a topic into its parts, or returns null when it is not a valid v1 Hallwatch topic
 * (wrong root or version, wrong number of levels, an id outside the id grammar, an unknown type).
 */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split("/");
  if (parts[0] !== TOPIC_ROOT || parts[1] !== PROTOCOL_VERSION) return null;
  if (parts.length === 5 && parts[2] === "_system" && parts[3] === "aggregator" && parts[4] === "status") {
    return { type: "aggregator_status" };
  }
  if (parts.length === 5 && parts[2] === "_system" && parts[3] === "alerts" && isAlertHall(parts[4] ?? "")) {
    return { type: "alert_event", hallId: parts[4] as string };
  }
  const [, , hallId, agentId, type, deviceId] = parts;
  if (hallId === undefined || agentId === undefined || type === undefined) return null;
  if (!isValidId(hallId) || !isValidId(agentId)) return null;
  if (!(AGENT_TOPIC_TYPES as readonly string[]).includes(type)) return null;
  const agentType = type as AgentTopicType;
  if (DEVICE_SCOPED.has(agentType)) {
    if (parts.length !== 6 || deviceId === undefined || !isValidId(deviceId)) return null;
    return { type: agentType as "telemetry" | "event", hallId, agentId, deviceId };
  }
  if (parts.length !== 5) return null;
  return { type: agentType as "status" | "birth" | "reply" | "cmd", hallId, agentId };
}

function isAlertHall(hallId: string): boolean {
  return hallId === SYSTEM_HALL_ID || isValidId(hallId);
}
