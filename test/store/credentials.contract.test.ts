import { expect, it } from "vitest";
import { verifySecret } from "../../src/security/secrets.js";
import { CredentialStore } from "../../src/store/credentials.js";
import type { SqlEngine } from "../../src/store/sql/engine.js";
import { PostgresEngine } from "../../src/store/sql/postgres-engine.js";
import { describeEachEngine } from "../helpers/engines.js";

const T0 = 1_764_547_200_000;

async function withHalls(sql: SqlEngine): Promise<SqlEngine> {
  for (const id of ["h1", "h2"])
    await sql.run("INSERT INTO halls (id, name, time_zone, created_ms) VALUES (?, ?, ?, ?)", [
      id,
      id,
      "Asia/Shanghai",
      T0,
    ]);
  return sql;
}

describeEachEngine("the credential store", (fresh, engine) => {
  it("provisions agents whose secret matches the stored hash; duplicates and unknown halls fail", async () => {
    const store = new CredentialStore(await withHalls(await fresh()));
    const a = await store.provisionAgent("h1", "kiosk-agent", "Kiosk PC", T0);
    expect(a).toMatchObject({ agentId: "kiosk-agent", hallId: "h1" });
    const principal = await store.findPrincipal("kiosk-agent");
    expect(principal).toMatchObject({ type: "agent", agentId: "kiosk-agent", hallId: "h1" });
    expect(principal?.type === "agent" && (await verifySecret(a.secret, principal.secretHash))).toBe(true);
    expect(await store.agentExists("kiosk-agent")).toBe(true);
    expect(await store.agentExists("nobody")).toBe(false);
    expect(await store.findPrincipal("nobody")).toBeNull();
    await expect(store.provisionAgent("h1", "kiosk-agent")).rejects.toThrow();
    await expect(store.provisionAgent("no-such-hall", "other")).rejects.toThrow();
  });

  it("lists agents by hall then id, with their times; never secrets", async () => {
    const store = new CredentialStore(await withHalls(await fresh()));
    await store.provisionAgent("h2", "a", undefined, T0);
    await store.provisionAgent("h1", "b", "B", T0 + 1);
    await store.provisionAgent("h1", "a1", undefined, T0 + 2);
    const rotated = await store.rotateAgentSecret("b", T0 + 3);
    expect(rotated).toMatchObject({ agentId: "b", hallId: "h1" });
    expect(await store.revokeAgent("a", T0 + 4)).toBe(true);
    expect(await store.listAgents()).toEqual([
      { agentId: "a1", hallId: "h1", name: null, createdMs: T0 + 2, rotatedMs: null, revokedMs: null },
      { agentId: "b", hallId: "h1", name: "B", createdMs: T0 + 1, rotatedMs: T0 + 3, revokedMs: null },
      { agentId: "a", hallId: "h2", name: null, createdMs: T0, rotatedMs: null, revokedMs: T0 + 4 },
    ]);
  });

  it("revoking refuses the agent; rotating gives a new secret and un-revokes; unknown agents fail", async () => {
    const store = new CredentialStore(await withHalls(await fresh()));
    const first = await store.provisionAgent("h1", "ag", undefined, T0);
    expect(await store.revokeAgent("ag", T0 + 1)).toBe(true);
    expect(await store.revokeAgent("ag", T0 + 2)).toBe(false);
    expect(await store.revokeAgent("nobody", T0 + 2)).toBe(false);
    expect(await store.findPrincipal("ag")).toBeNull();
    expect(await store.agentExists("ag")).toBe(true);
    const second = await store.rotateAgentSecret("ag", T0 + 3);
    const principal = await store.findPrincipal("ag");
    expect(principal?.type === "agent" && (await verifySecret(second.secret, principal.secretHash))).toBe(
      true,
    );
    expect(principal?.type === "agent" && (await verifySecret(first.secret, principal.secretHash))).toBe(
      false,
    );
    await expect(store.rotateAgentSecret("nobody")).rejects.toThrow("unknown agent nobody");
  });

  it("service accounts: ids start with _, the secret is kept when unchanged and replaced otherwise", async () => {
    const sql = await fresh();
    const store = new CredentialStore(sql);
    await expect(store.setServiceSecret("aggregator", "x")).rejects.toThrow("service ids start with '_'");
    expect(await store.setServiceSecret("_aggregator", "first-secret", T0)).toBe("first-secret");
    const p1 = await store.findPrincipal("_aggregator");
    expect(p1).toMatchObject({ type: "service", serviceId: "_aggregator" });
    await store.setServiceSecret("_aggregator", "first-secret", T0 + 1);
    expect((await store.findPrincipal("_aggregator"))?.secretHash).toBe(p1?.secretHash);
    await store.setServiceSecret("_aggregator", "second-secret", T0 + 2);
    const p2 = await store.findPrincipal("_aggregator");
    expect(p2 && (await verifySecret("second-secret", p2.secretHash))).toBe(true);
    expect((await sql.all("SELECT id FROM service_accounts")).length).toBe(1);
    const generated = await store.setServiceSecret("_other");
    expect(generated.length).toBeGreaterThan(16);
    expect(await store.findPrincipal("_nobody")).toBeNull();
  });

  it("counts agents never seen: provisioned before the time, not revoked, with no presence", async () => {
    const sql = await withHalls(await fresh());
    const store = new CredentialStore(sql);
    await store.provisionAgent("h1", "seen", undefined, T0);
    await store.provisionAgent("h1", "never", undefined, T0);
    await store.provisionAgent("h1", "revoked", undefined, T0);
    await store.provisionAgent("h1", "new", undefined, T0 + 10);
    await store.revokeAgent("revoked", T0 + 1);
    await sql.run(
      "INSERT INTO agent_state (agent_id, hall_id, connectivity, connectivity_since_ms) VALUES (?, ?, ?, ?)",
      ["seen", "h1", "online", T0],
    );
    expect(await store.countNeverSeenAgents(T0 + 5)).toBe(1);
    expect(await store.countNeverSeenAgents(T0 + 11)).toBe(2);
  });

  it.runIf(engine === "postgres")(
    "an agent revoked through one node is refused by another node on the same database",
    async () => {
      const a = (await withHalls(await fresh())) as PostgresEngine;
      const b = new PostgresEngine({ connectionString: String(a.pool.options.connectionString) });
      try {
        const nodeA = new CredentialStore(a);
        const nodeB = new CredentialStore(b);
        await nodeA.provisionAgent("h1", "ag", undefined, T0);
        expect(await nodeB.findPrincipal("ag")).not.toBeNull();
        await nodeA.revokeAgent("ag", T0 + 1);
        expect(await nodeB.findPrincipal("ag")).toBeNull();
      } finally {
        await b.close();
      }
    },
  );
});
