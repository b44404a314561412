import mqtt, { type MqttClient } from "mqtt";
import { expect, it } from "vitest";
import { HallwatchBroker } from "../../broker/broker.js";
import { silentLogger } from "../../src/logging.js";
import { CredentialStore } from "../../src/store/credentials.js";
import type { SqlEngine } from "../../src/store/sql/engine.js";
import { PostgresEngine } from "../../src/store/sql/postgres-engine.js";
import { describeEachEngine } from "../helpers/engines.js";
import { closed, refusalCode } from "./harness.js";

/** A second node's connection to the same database (on SQLite, the one file's engine). */
function secondNode(sql: SqlEngine): SqlEngine {
  return sql instanceof PostgresEngine
    ? new PostgresEngine({ connectionString: String(sql.pool.options.connectionString) })
    : sql;
}

async function connect(port: number, agentId: string, password: string): Promise<MqttClient> {
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
    clientId: agentId,
    username: agentId,
    password,
    reconnectPeriod: 0,
    connectTimeout: 3000,
  });
  return await new Promise((resolve, reject) => {
    client.once("connect", () => resolve(client));
    client.once("error", (err) => {
      client.end(true);
      reject(err);
    });
  });
}

describeEachEngine("brokers of two nodes on one database", (fresh) => {
  it("an agent revoked through one node is refused by the other's broker, and its live connection there ends", async () => {
    const sqlA = await fresh();
    const sqlB = secondNode(sqlA);
    await sqlA.run("INSERT INTO halls (id, name, time_zone, created_ms) VALUES (?, ?, ?, ?)", [
      "h1",
      "Hall",
      "Asia/Shanghai",
      1,
    ]);
    const nodeA = new CredentialStore(sqlA);
    const brokerB = new HallwatchBroker({
      host: "127.0.0.1",
      mqttPort: 0,
      wsPort: null,
      credentials: new CredentialStore(sqlB),
      logger: silentLogger(),
      recheckCredentialsMs: 50,
    });
    const { mqttPort } = await brokerB.start();
    const clients: MqttClient[] = [];
    try {
      const { secret } = await nodeA.provisionAgent("h1", "agent-x");
      const live = await connect(mqttPort, "agent-x", secret);
      clients.push(live);
      expect(live.connected).toBe(true);
      const gone = closed(live);
      await nodeA.revokeAgent("agent-x");
      await gone; // brokerB's recheck read the revocation node A wrote
      expect(brokerB.stats().credentialDisconnects).toBe(1);
      expect(await refusalCode(connect(mqttPort, "agent-x", secret))).toBe(4);
      const rotated = await nodeA.rotateAgentSecret("agent-x");
      expect(await refusalCode(connect(mqttPort, "agent-x", secret))).toBe(4);
      const again = await connect(mqttPort, "agent-x", rotated.secret);
      clients.push(again);
      expect(again.connected).toBe(true);
    } finally {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
      await brokerB.stop();
      if (sqlB !== sqlA) await sqlB.close();
    }
  }, 30_000);
});
