import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { verifySecret } from "../security/secrets.js";
import type { CredentialPort } from "../store/credentials.js";

/**
 * Provisions the demo hall's agents once and keeps their secrets in a 0600 file in the data directory,
 * so the simulator can log in as them across restarts. Secrets that no longer match are rotated.
 */
export async function ensureDemoAgentSecrets(
  dataDir: string,
  hallId: string,
  agentIds: readonly string[],
  credentials: CredentialPort,
): Promise<Map<string, string>> {
  const file = join(dataDir, "demo-agent-secrets.json");
  const known: Record<string, string> = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, string>)
    : {};
  // Checked in parallel: scrypt runs on the libuv thread pool, so start-up stays well under a second.
  const entries = await Promise.all(
    agentIds.map(async (agentId): Promise<[string, string]> => {
      const principal = await credentials.findPrincipal(agentId);
      const stored = known[agentId];
      if (principal?.type === "agent" && stored && (await verifySecret(stored, principal.secretHash))) {
        return [agentId, stored];
      }
      const provisioned = principal
        ? await credentials.rotateAgentSecret(agentId)
        : await credentials.provisionAgent(hallId, agentId, `demo ${agentId}`);
      return [agentId, provisioned.secret];
    }),
  );
  const secrets = new Map(entries);
  writeFileSync(file, `${JSON.stringify(Object.fromEntries(secrets), null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}
