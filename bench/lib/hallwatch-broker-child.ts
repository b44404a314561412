// The product's broker (Aedes behind Hallwatch's Gatekeeper and GuardedStream) in its own process, so its CPU
// is measured apart from the consumers under test. Agents and services authenticate against an in-memory
// lookup with one cheap scrypt hash (the product's hashes cost more, once per connection, and are cached).
import { HallwatchBroker } from "../../broker/broker.js";
import { silentLogger } from "../../src/logging.js";
import { hashSecret } from "../../src/security/secrets.js";
import type { CredentialLookup, Principal } from "../../src/store/credentials.js";
import { serveParent, tellParent } from "./ipc.js";
import { BENCH_PASSWORD, hallOfAgent } from "./load-scenario.js";

const secretHash = await hashSecret(BENCH_PASSWORD, { N: 1024, r: 8, p: 1 });
const credentials: CredentialLookup = {
  async findPrincipal(username: string): Promise<Principal | null> {
    if (username.startsWith("_")) return { type: "service", serviceId: username, secretHash };
    const hallId = hallOfAgent(username);
    return hallId ? { type: "agent", agentId: username, hallId, secretHash } : null;
  },
};
const broker = new HallwatchBroker({
  host: "127.0.0.1",
  mqttPort: 0,
  credentials,
  logger: silentLogger(),
  // The product's default (200/s per agent, burst 400) protects against a flooding agent; one bench hall agent
  // speaks for a whole hall at thousands of messages a second, so the bucket is kept but made wide.
  publishRatePerSec: 1_000_000,
  publishBurst: 1_000_000,
  recheckCredentialsMs: 0,
});
const { mqttPort } = await broker.start();
serveParent({
  stats: () => tellParent({ type: "stats", ...broker.stats() }),
  stop: async () => {
    await broker.stop();
    process.exit(0);
  },
});
tellParent({ type: "ready", port: mqttPort });
