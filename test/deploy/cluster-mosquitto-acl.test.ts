import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "../../src/contract/index.js";
import { type DeployedMosquitto, startDeployedMosquitto } from "../helpers/deploy-mosquitto.js";
import { requireInCi } from "../helpers/external-servers.js";
import { MOSQUITTO } from "../helpers/mosquitto.js";
import { sleep } from "../helpers/wait.js";
import { clusterCompose, nodeServices } from "./cluster-compose.js";

/**
 * The broker of deploy/compose.cluster.yaml: the shipped mosquitto.conf and acl, run by a real Mosquitto, with the
 * nodes' MQTT users as the compose file names them. Each node subscribes to the halls it owns and publishes the
 * system topics; two nodes never share a client id (use_username_as_clientid); agents stay in their own hall.
 */
const NODE_USERS = nodeServices(clusterCompose()).map(([, s]) => s.environment!.HALLWATCH_MQTT_USERNAME!);
const password = (user: string) => `secret-of-${user}`;
const AGENTS = { "kiosk-a": "h1", "kiosk-b": "h2" } as const;

describe.skipIf(!requireInCi(MOSQUITTO, "mosquitto"))("deploy/mosquitto for compose.cluster.yaml", () => {
  let broker: DeployedMosquitto;
  const open: MqttClient[] = [];

  beforeAll(async () => {
    const users = Object.fromEntries([...NODE_USERS, ...Object.keys(AGENTS)].map((u) => [u, password(u)]));
    broker = await startDeployedMosquitto(users);
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.endAsync(true)));
    await broker?.stop();
  });

  const connect = async (user: string) => {
    const client = await mqtt.connectAsync(broker.url, {
      // Whatever id a client sends, Mosquitto uses its username (use_username_as_clientid).
      clientId: `${user}-${Math.random().toString(36).slice(2)}`,
      username: user,
      password: password(user),
      reconnectPeriod: 0,
      connectTimeout: 3000,
    });
    open.push(client);
    return client;
  };
  const collect = (client: MqttClient) => {
    const seen: string[] = [];
    client.on("message", (topic) => seen.push(topic));
    return seen;
  };

  it("names three distinct node users, each starting with _ as a service identity must", () => {
    expect(NODE_USERS).toHaveLength(3);
    expect(new Set(NODE_USERS).size).toBe(3);
    for (const user of NODE_USERS) expect(user).toMatch(/^_/);
  });

  it("lets every node, connected at once, read its halls' agents and write their commands and the system topics", async () => {
    const nodes = await Promise.all(NODE_USERS.map(connect));
    const closed = nodes.map(() => false);
    for (const [i, node] of nodes.entries()) {
      node.on("close", () => {
        closed[i] = true;
      });
    }
    const kioskA = await connect("kiosk-a");
    const agentSeen = collect(kioskA);
    await kioskA.subscribeAsync(topics.command("h1", "kiosk-a"), { qos: 1 });
    for (const [i, node] of nodes.entries()) {
      const seen = collect(node);
      const granted = await node.subscribeAsync(["hallwatch/v1/h1/#", "hallwatch/v1/_system/#"], { qos: 1 });
      expect(
        granted.map((g) => g.qos),
        NODE_USERS[i],
      ).toEqual([1, 1]);
      const telemetry = `hallwatch/v1/h1/kiosk-a/telemetry/kiosk-${i}`;
      await kioskA.publishAsync(telemetry, "{}", { qos: 1 });
      const system = [topics.aggregatorStatus(), topics.alertEvents("h1")];
      for (const topic of system) await node.publishAsync(topic, "{}", { qos: 1 });
      await node.publishAsync(topics.command("h1", "kiosk-a"), "{}", { qos: 1 });
      await sleep(200);
      expect(seen, NODE_USERS[i]).toContain(telemetry);
      for (const topic of system) expect(seen, `${NODE_USERS[i]} ${topic}`).toContain(topic);
      await node.unsubscribeAsync(["hallwatch/v1/h1/#", "hallwatch/v1/_system/#"]);
    }
    expect(agentSeen.filter((t) => t === topics.command("h1", "kiosk-a"))).toHaveLength(NODE_USERS.length);
    expect(closed, "no node took another's session").toEqual(nodes.map(() => false));
  });

  it("keeps an agent out of another hall", async () => {
    const kioskB = await connect("kiosk-b");
    const seen = collect(kioskB);
    await kioskB.subscribeAsync(["hallwatch/v1/h1/#", topics.command("h1", "kiosk-a")], { qos: 1 });
    const kioskA = await connect("kiosk-a");
    const node = await connect(NODE_USERS[0]!);
    await kioskA.publishAsync("hallwatch/v1/h1/kiosk-a/telemetry/kiosk-1", "{}", { qos: 1 });
    await node.publishAsync(topics.command("h1", "kiosk-a"), "{}", { qos: 1 });
    // kiosk-b may still publish under its own prefix in its own hall, and a node hears it.
    const nodeSeen = collect(node);
    await node.subscribeAsync(`hallwatch/v1/${AGENTS["kiosk-b"]}/#`, { qos: 1 });
    await kioskB.publishAsync("hallwatch/v1/h2/kiosk-b/telemetry/kiosk-2", "{}", { qos: 1 });
    await sleep(300);
    expect(seen).toEqual([]);
    expect(nodeSeen).toEqual(["hallwatch/v1/h2/kiosk-b/telemetry/kiosk-2"]);
  });
});
