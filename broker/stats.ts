/** Counters since start plus the current client count, read by the Prometheus exporter. */
export type BrokerStats = {
  clients: number;
  connectionsAccepted: number;
  connectionsRefused: number;
  /** Connections refused without a password check: their address is backing off, or has too many waiting. */
  connectionsThrottled: number;
  /** Publishes refused by the topic ACL (each closes its connection). */
  publishesRefused: number;
  /** Subscriptions answered with the failure code 0x80. */
  subscriptionsRefused: number;
  /** Payloads or whole packets over the size limit (each closes its connection). */
  oversizedRefused: number;
  /** Times an agent had to wait for a publish token. */
  throttleEvents: number;
  /** Agents cut off for staying over the publish rate. */
  floodDisconnects: number;
  /** Retained publishes delivered without the retain flag: not a retained topic, or over the agent's cap. */
  retainRefused: number;
  /** Retained messages the broker holds now, and their payload bytes. */
  retainedMessages: number;
  retainedBytes: number;
  /** Live agent connections ended because the agent was revoked or its secret rotated. */
  credentialDisconnects: number;
};

export type BrokerCounters = Omit<BrokerStats, "clients" | "retainedMessages" | "retainedBytes">;

export function zeroCounters(): BrokerCounters {
  return {
    connectionsAccepted: 0,
    connectionsRefused: 0,
    connectionsThrottled: 0,
    publishesRefused: 0,
    subscriptionsRefused: 0,
    oversizedRefused: 0,
    throttleEvents: 0,
    floodDisconnects: 0,
    credentialDisconnects: 0,
    retainRefused: 0,
  };
}
