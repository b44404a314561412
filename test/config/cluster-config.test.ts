import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfig } from "../../src/config/config.js";

/** What an operator sets per node (docs/scale-out.md): its id, its roles, and the lease timings. */
describe("cluster settings", () => {
  it("default to one node doing everything, named after the host", () => {
    const config = loadConfig({});
    expect(config.cluster.roles).toEqual(["ingest", "api", "jobs"]);
    expect(config.cluster.nodeId).toBe(
      hostname()
        .replace(/[^A-Za-z0-9._-]/g, "-")
        .slice(0, 64),
    );
    expect(config.cluster.heartbeatMs).toBe(5_000);
    expect(config.cluster.leaseMs).toBe(15_000);
  });

  it("take HALLWATCH_ROLES as a comma list and HALLWATCH_NODE_ID as the node's name", () => {
    const config = loadConfig({ HALLWATCH_ROLES: " jobs , api,ingest", HALLWATCH_NODE_ID: "node-2" });
    expect(config.cluster.roles).toEqual(["jobs", "api", "ingest"]);
    expect(config.cluster.nodeId).toBe("node-2");
  });

  it("refuse some roles only on the SQLite file: the other roles' node could not reach it", () => {
    expect(() => loadConfig({ HALLWATCH_ROLES: "api" })).toThrow(
      /cluster\.roles: .*HALLWATCH_CLUSTER=shared/,
    );
  });

  const SHARED = {
    HALLWATCH_CLUSTER: "shared",
    HALLWATCH_DATABASE_URL: "postgres://hallwatch@db/hallwatch",
    HALLWATCH_MQTT_URL: "mqtt://broker:1883",
  };

  const without = (env: Record<string, string>, name: string) =>
    Object.fromEntries(Object.entries(env).filter(([key]) => key !== name));

  it("share the halls with HALLWATCH_CLUSTER=shared on a PostgreSQL and an external broker", () => {
    expect(loadConfig({}).cluster.mode).toBe("single");
    const config = loadConfig({
      ...SHARED,
      HALLWATCH_ROLES: "api",
      HALLWATCH_NODE_ADDRESS: "http://10.0.0.2:8080",
    });
    expect(config.cluster).toMatchObject({ mode: "shared", roles: ["api"], address: "http://10.0.0.2:8080" });
  });

  it.each([
    [without(SHARED, "HALLWATCH_DATABASE_URL"), /cluster\.mode: .*HALLWATCH_DATABASE_URL/],
    [without(SHARED, "HALLWATCH_MQTT_URL"), /cluster\.mode: .*HALLWATCH_MQTT_URL/],
    [{ ...SHARED, HALLWATCH_CLUSTER: "many" }, /cluster\.mode.*single.*shared/],
    [{ ...SHARED, HALLWATCH_NODE_ADDRESS: "10.0.0.2:8080" }, /cluster\.address/],
    [{ HALLWATCH_DATABASE_URL: "postgres://db/h", HALLWATCH_ROLES: "ingest" }, /cluster\.roles/],
  ])("refuse shared settings that cannot work: %j", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    [{ HALLWATCH_ROLES: "ingest,console" }, /cluster\.roles.*console/],
    [{ HALLWATCH_ROLES: "" }, /cluster\.roles/],
    [{ HALLWATCH_ROLES: "api,api" }, /cluster\.roles.*twice/],
    [{ HALLWATCH_NODE_ID: "node 2/../x" }, /cluster\.nodeId/],
  ])("refuse %j with a message naming the setting", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("refuse a lease shorter than three heartbeats (one late heartbeat would lose every hall)", () => {
    expect(parseConfig({ cluster: { heartbeatMs: 2_000, leaseMs: 6_000 } }).cluster.leaseMs).toBe(6_000);
    expect(() => parseConfig({ cluster: { heartbeatMs: 5_000, leaseMs: 10_000 } })).toThrow(
      /cluster\.leaseMs/,
    );
  });
});
