import mqtt, { type MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { topics } from "../../src/contract/index.js";
import { HALL, Harness, provision } from "../broker/harness.js";
import { type DeployedMosquitto, startDeployedMosquitto } from "../helpers/deploy-mosquitto.js";
import { requireInCi } from "../helpers/external-servers.js";
import { MOSQUITTO } from "../helpers/mosquitto.js";
import { sleep } from "../helpers/wait.js";

const SECRETS = { "agent-a": "secret-of-agent-a", "agent-b": "secret-of-agent-b", _aggregator: "svc-secret" };

function connect(url: string, options: mqtt.IClientOptions): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 3000, ...options });
  return new Promise((resolve, reject) => {
    client.once("connect", () => resolve(client));
    client.once("error", (err) => {
      client.end(true);
      reject(err);
    });
    client.once("close", () => reject(new Error("closed before CONNACK")));
  });
}

/** A connects, B (valid credentials of its own) connects with A's client id; A must stay connected. */
async function takeoverAttempt(
  url: string,
  hallId: string,
  creds: { a: string; b: string },
  service: () => Promise<MqttClient>,
): Promise<{ aClosed: boolean; aGotCommand: boolean; bOutcome: string }> {
  const a = await connect(url, { clientId: "agent-a", username: "agent-a", password: creds.a });
  let aClosed = false;
  a.on("close", () => {
    aClosed = true;
  });
  const received: string[] = [];
  a.on("message", (topic) => received.push(topic));
  await a.subscribeAsync(topics.command(hallId, "agent-a"), { qos: 1 });
  let bOutcome: string;
  let b: MqttClient | null = null;
  try {
    b = await connect(url, { clientId: "agent-a", username: "agent-b", password: creds.b });
    bOutcome = "connected under its own id";
  } catch (err) {
    bOutcome = `refused: ${(err as Error).message}`;
  }
  await sleep(500);
  const svc = await service();
  await svc.publishAsync(topics.command(hallId, "agent-a"), '{"v":1}', { qos: 1 });
  await sleep(500);
  const result = { aClosed, aGotCommand: received.length === 1, bOutcome };
  await Promise.all([a, b, svc].map((c) => c?.endAsync(true)));
  return result;
}

describe.runIf(requireInCi(MOSQUITTO, "mosquitto"))("the shipped deploy/mosquitto config", () => {
  let broker: DeployedMosquitto;
  beforeAll(async () => {
    broker = await startDeployedMosquitto(SECRETS);
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it("defect 25: agent B cannot knock agent A offline by connecting with A's client id", async () => {
    const outcome = await takeoverAttempt(
      broker.url,
      "hall-a",
      { a: SECRETS["agent-a"], b: SECRETS["agent-b"] },
      () =>
        connect(broker.url, {
          clientId: "_aggregator-x",
          username: "_aggregator",
          password: SECRETS._aggregator,
        }),
    );
    expect(outcome).toEqual({ aClosed: false, aGotCommand: true, bOutcome: expect.any(String) });
  });
});

describe("the embedded broker", () => {
  let harness: Harness;
  let creds: Awaited<ReturnType<typeof provision>>;
  beforeAll(async () => {
    creds = await provision();
  });
  afterEach(async () => {
    await harness.cleanup();
  });

  it("defect 25: agent B cannot knock agent A offline by connecting with A's client id", async () => {
    harness = new Harness(creds);
    await harness.start();
    const outcome = await takeoverAttempt(
      harness.url,
      HALL,
      { a: creds.secrets["agent-a"] as string, b: creds.secrets["agent-b"] as string },
      () => harness.service(),
    );
    expect(outcome).toEqual({
      aClosed: false,
      aGotCommand: true,
      bOutcome: expect.stringMatching(/^refused/),
    });
  });

  it("defect 25: a wrong password with A's client id does not knock A offline either", async () => {
    harness = new Harness(creds);
    await harness.start();
    const outcome = await takeoverAttempt(
      harness.url,
      HALL,
      { a: creds.secrets["agent-a"] as string, b: "wrong" },
      () => harness.service(),
    );
    expect(outcome).toEqual({
      aClosed: false,
      aGotCommand: true,
      bOutcome: expect.stringMatching(/^refused/),
    });
  });
});
