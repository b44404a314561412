import { parseTopic, TOPIC_ROOT, topics } from "../src/contract/index.js";
import type { Principal } from "../src/store/credentials.js";

/**
 * Deny-by-default topic rules. Agents publish only under their own prefix (never their own command topic)
 * and subscribe only to their command topic and the aggregator's status; services may publish and
 * subscribe anywhere under the Hallwatch root. Nothing else is allowed.
 */
export function mayPublish(principal: Principal, topic: string): boolean {
  if (principal.type === "service") return topic.startsWith(`${TOPIC_ROOT}/`);
  if (!topic.startsWith(topics.agentPrefix(principal.hallId, principal.agentId))) return false;
  const parsed = parseTopic(topic);
  if (
    parsed === null ||
    parsed.type === "aggregator_status" ||
    parsed.type === "alert_event" ||
    parsed.type === "cmd"
  ) {
    return false;
  }
  return parsed.hallId === principal.hallId && parsed.agentId === principal.agentId;
}

export function maySubscribe(principal: Principal, topicFilter: string): boolean {
  if (principal.type === "service") return topicFilter.startsWith(`${TOPIC_ROOT}/`);
  return (
    topicFilter === topics.command(principal.hallId, principal.agentId) ||
    topicFilter === topics.aggregatorStatus()
  );
}

/** A last will may only be the principal's own status topic, so nobody can fake another's death. */
export function mayUseWill(principal: Principal, willTopic: string): boolean {
  if (principal.type === "service") return willTopic === topics.aggregatorStatus();
  return willTopic === topics.agentStatus(principal.hallId, principal.agentId);
}

/**
 * A will that Aedes publishes with no client at all: one stored for a session whose broker is gone. It was
 * checked by `mayUseWill` when its CONNECT was accepted, so only a status topic can be legitimate.
 */
export function mayPublishOrphanWill(topic: string): boolean {
  const parsed = parseTopic(topic);
  return parsed !== null && (parsed.type === "status" || parsed.type === "aggregator_status");
}
