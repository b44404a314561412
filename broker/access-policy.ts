import { parseTopic, topics } from "../src/contract/index.js";
import type { Principal } from "../src/store/credentials.js";

/**
 * Deny-by-default topic rules. Agents publish only under their own prefix (never their own command topic)
 * and subscribe only to their command topic and the aggregator's status; services may do anything under
 * the Hallwatch root.
 */
export function mayPublish(principal: Principal, topic: string): boolean {
  if (principal.type === "service") return topic.startsWith("hallwatch/");
  const parsed = parseTopic(topic);
  if (parsed === null || parsed.type === "aggregator_status" || parsed.type === "cmd") return false;
  return parsed.hallId === principal.hallId && parsed.agentId === principal.agentId;
}

export function maySubscribe(principal: Principal, topicFilter: string): boolean {
  if (principal.type === "service")
    return topicFilter.startsWith("hallwatch/") || topicFilter === "hallwatch/#";
  return (
    topicFilter === topics.command(principal.hallId, principal.agentId) ||
    topicFilter === topics.aggregatorStatus()
  );
}

/** An agent's last will may only be its own status topic, so it cannot fake another agent's death. */
export function mayUseWill(principal: Principal, willTopic: string): boolean {
  if (principal.type === "service") return willTopic === topics.aggregatorStatus();
  return willTopic === topics.agentStatus(principal.hallId, principal.agentId);
}
