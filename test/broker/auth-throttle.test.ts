import { createConnection } from "node:net";
import { MqttClient } from "mqtt";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, Harness, provision } from "./harness.js";

let creds: Credentials;
let harness: Harness;

beforeAll(async () => {
  creds = await provision();
});

afterEach(async () => {
  await harness.cleanup();
});

/**
 * One MQTT connect from a chosen loopback address (Linux routes all of 127/8 to lo); resolves with how long
 * the CONNACK took and whether it was accepted. Real TCP, real MQTT.js.
 */
function attempt(
  port: number,
  from: string,
  username: string,
  password: string,
): Promise<{ ms: number; ok: boolean; code?: number }> {
  const started = performance.now();
  const client = new MqttClient(() => createConnection({ port, host: "127.0.0.1", localAddress: from }), {
    clientId: username,
    username,
    password,
    reconnectPeriod: 0,
    connectTimeout: 30_000,
    protocolVersion: 4,
  });
  return new Promise((resolve) => {
    const finish = (ok: boolean, code?: number) => {
      client.end(true);
      resolve({ ms: performance.now() - started, ok, ...(code === undefined ? {} : { code }) });
    };
    client.once("connect", () => finish(true));
    client.once("error", (err) => finish(false, (err as { code?: number }).code));
    client.once("close", () => finish(false));
  });
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

describe("broker authentication under attack", () => {
  it("defect 18: a known and an unknown username with a wrong password take the same time", async () => {
    harness = new Harness(creds);
    const broker = await harness.start();
    const port = Number(new URL(harness.url).port);
    const known: number[] = [];
    const unknown: number[] = [];
    // Each attempt from its own loopback address, so the per-address backoff does not get in the way.
    for (let i = 0; i < 10; i++) {
      known.push((await attempt(port, `127.0.3.${i + 1}`, "agent-a", `wrong-${i}`)).ms);
      unknown.push((await attempt(port, `127.0.4.${i + 1}`, `nobody-${i}`, `wrong-${i}`)).ms);
    }
    const ratio = median(known) / median(unknown);
    expect(ratio, `known ${median(known)} ms, unknown ${median(unknown)} ms`).toBeGreaterThan(1 / 3);
    expect(ratio, `known ${median(known)} ms, unknown ${median(unknown)} ms`).toBeLessThan(3);
    expect(broker.stats().connectionsRefused).toBe(20);
  });

  it("defect 18: an address with many failures is refused at once, while an agent from another address connects promptly", async () => {
    harness = new Harness(creds);
    const broker = await harness.start();
    const port = Number(new URL(harness.url).port);
    // Baseline: a first (uncached) connect of a real agent with nobody attacking.
    const quiet = await attempt(port, "127.0.0.2", "agent-a", creds.secrets["agent-a"] as string);
    expect(quiet.ok).toBe(true);

    let attacking = true;
    const attacker = async () => {
      let n = 0;
      while (attacking) await attempt(port, "127.0.0.1", "agent-b", `guess-${n++}`);
    };
    const attackers = Array.from({ length: 50 }, attacker);
    const legit: number[] = [];
    try {
      for (const agentId of ["agent-b", "agent-c", "flooder"]) {
        const result = await attempt(port, "127.0.0.2", agentId, creds.secrets[agentId] as string);
        expect(result.ok, `${agentId} from another address`).toBe(true);
        legit.push(result.ms);
      }
      // The attacking address is now refused without a password check: quickly, even for a guess.
      const refused = await attempt(port, "127.0.0.1", "agent-b", "one-more-guess");
      expect(refused.ok).toBe(false);
      // Not "bad username or password" (4), which needs a password check: "not authorised" (5, backing off)
      // or "server unavailable" (3, too many of its attempts waiting).
      expect([3, 5]).toContain(refused.code);
      expect(broker.stats().connectionsThrottled).toBeGreaterThan(0);
    } finally {
      attacking = false;
      await Promise.all(attackers);
    }
    // Under the attack a legitimate first connect costs about what it costs in quiet (generous: a loaded CI box).
    expect(median(legit), `quiet ${quiet.ms} ms, under attack ${legit.join(", ")} ms`).toBeLessThan(
      Math.max(5 * quiet.ms, 600),
    );
  });

  it("defect 18: a connected agent's known credential still works from an address that is backing off", async () => {
    harness = new Harness(creds);
    await harness.start();
    const port = Number(new URL(harness.url).port);
    const secret = creds.secrets["agent-c"] as string;
    expect((await attempt(port, "127.0.0.5", "agent-c", secret)).ok).toBe(true);
    for (let i = 0; i < 12; i++) await attempt(port, "127.0.0.5", "agent-a", `guess-${i}`);
    expect((await attempt(port, "127.0.0.5", "agent-a", "guess-last")).ok).toBe(false);
    expect((await attempt(port, "127.0.0.5", "agent-c", secret)).ok).toBe(true);
  });
});
