import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { type BrokerOptions, HallwatchBroker } from "../../broker/broker.js";
import { silentLogger } from "../../src/logging.js";
import { CredentialStore } from "../../src/store/credentials.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { HallStore } from "../../src/store/halls.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";

export const HALL = "hall-a";
export const AGENTS = ["agent-a", "agent-b", "agent-c", "flooder"] as const;
export const SERVICE = "_aggregator";

export interface Credentials {
  db: Db;
  store: CredentialStore;
  secrets: Record<string, string>;
  serviceSecret: string;
}

/** An in-memory system of record with one hall, a few agents and the aggregator's service account. */
export async function provision(): Promise<Credentials> {
  const db = openDatabase(":memory:");
  await HallStore.onSqlite(db).upsert({ id: HALL, name: "Hall A" });
  const store = new CredentialStore(new SqliteEngine(db));
  const secrets: Record<string, string> = {};
  for (const id of AGENTS) secrets[id] = (await store.provisionAgent(HALL, id)).secret;
  const serviceSecret = await store.setServiceSecret(SERVICE);
  return { db, store, secrets, serviceSecret };
}

/** Real brokers on ephemeral loopback ports and real MQTT.js clients; cleanup() closes all of them. */
export class Harness {
  private readonly brokers: HallwatchBroker[] = [];
  private readonly clients: MqttClient[] = [];
  url = "";
  wsUrl = "";
  broker!: HallwatchBroker;

  constructor(private readonly creds: Credentials) {}

  async start(options: Partial<BrokerOptions> = {}): Promise<HallwatchBroker> {
    const broker = new HallwatchBroker({
      host: "127.0.0.1",
      mqttPort: 0,
      wsPort: 0,
      credentials: this.creds.store,
      logger: silentLogger(),
      maxPayloadBytes: 4096,
      ...options,
    });
    this.brokers.push(broker);
    const ports = await broker.start();
    this.broker = broker;
    this.url = `mqtt://127.0.0.1:${ports.mqttPort}`;
    this.wsUrl = ports.wsPort === null ? "" : `ws://127.0.0.1:${ports.wsPort}`;
    return broker;
  }

  async connect(options: IClientOptions, url = this.url): Promise<MqttClient> {
    // Registered before connecting, so a client that is refused is still closed by cleanup().
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 3000, ...options });
    this.clients.push(client);
    return await new Promise((resolve, reject) => {
      client.once("connect", () => resolve(client));
      client.once("error", reject);
      client.once("close", () => reject(new Error("closed before CONNACK")));
    });
  }

  agent(agentId: string, extra: IClientOptions = {}, url = this.url): Promise<MqttClient> {
    return this.connect(
      { clientId: agentId, username: agentId, password: this.creds.secrets[agentId], ...extra },
      url,
    );
  }

  /** The aggregator's identity, subscribed to the whole tree. */
  async service(): Promise<MqttClient> {
    const client = await this.connect({
      clientId: `${SERVICE}-test`,
      username: SERVICE,
      password: this.creds.serviceSecret,
    });
    await client.subscribeAsync("hallwatch/#", { qos: 1 });
    return client;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
    for (const broker of this.brokers.splice(0)) await broker.stop();
  }
}

export function inbox(client: MqttClient): { topic: string; payload: string }[] {
  const list: { topic: string; payload: string }[] = [];
  client.on("message", (topic, payload) => list.push({ topic, payload: payload.toString() }));
  return list;
}

export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    if (!client.connected) resolve();
    client.once("close", () => resolve());
  });
}

/** The CONNACK return code a refused connect failed with. */
export async function refusalCode(attempt: Promise<unknown>): Promise<number | undefined> {
  try {
    await attempt;
  } catch (err) {
    return (err as { code?: number }).code;
  }
  throw new Error("the connection was accepted");
}
