import mqtt from "mqtt";

/** A provisioned agent that cannot reach or log in to the broker, as /api/health reports it. */
export interface AgentConnectionProblem {
  hallId: string;
  agentId: string;
  error: string;
}

/**
 * Logs each agent in once (no will, clean session, no retries) and returns those the broker refuses or that
 * cannot connect at all. Used before the demo starts on an external broker, where its agents must have been
 * provisioned by hand: a refused agent would otherwise retry forever, visible only in the broker's log.
 */
export async function probeAgents(
  brokerUrl: string,
  hallId: string,
  secrets: ReadonlyMap<string, string>,
  timeoutMs = 10_000,
): Promise<AgentConnectionProblem[]> {
  const results = await Promise.all(
    [...secrets].map(async ([agentId, password]) => {
      const client = mqtt.connect(brokerUrl, {
        clientId: agentId,
        username: agentId,
        password,
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: timeoutMs,
        protocolVersion: 4,
      });
      const error = await new Promise<string | null>((resolve) => {
        client.once("connect", () => resolve(null));
        client.once("error", (err) => resolve(err.message));
        client.once("close", () => resolve("connection closed before the broker answered"));
      });
      await client.endAsync(true).catch(() => undefined);
      return error === null ? null : { hallId, agentId, error };
    }),
  );
  return results.filter((r): r is AgentConnectionProblem => r !== null);
}

/** The broker's host and port for a log line: never the user or password a URL might carry. */
export function brokerAddress(brokerUrl: string): string {
  try {
    const url = new URL(brokerUrl);
    return `${url.protocol}//${url.host}`;
  } catch {
    return "(invalid broker URL)";
  }
}
