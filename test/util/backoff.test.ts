import mqtt from "mqtt";
import { describe, expect, it } from "vitest";
import { Backoff } from "../../src/util/backoff.js";
import { applyBackoff } from "../../src/util/reconnect.js";
import { freePort } from "../helpers/free-port.js";
import { startPlainBroker } from "../helpers/plain-broker.js";
import { waitFor } from "../helpers/wait.js";

describe("Backoff", () => {
  it("doubles up to the cap", () => {
    const b = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0 });
    expect(Array.from({ length: 7 }, () => b.nextDelayMs())).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
    b.reset();
    expect(b.nextDelayMs()).toBe(100);
  });

  it("jitters within [1 - jitter, 1] of the capped delay", () => {
    const low = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5, random: () => 0 });
    const high = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5, random: () => 0.999999 });
    expect([low.nextDelayMs(), low.nextDelayMs()]).toEqual([50, 100]);
    expect([high.nextDelayMs(), high.nextDelayMs()]).toEqual([100, 200]);
    const random = new Backoff({ initialDelayMs: 1000, maxDelayMs: 1000, jitter: 1 });
    const delays = Array.from({ length: 200 }, () => random.nextDelayMs());
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(1);
    for (const d of delays) expect(d).toBeLessThanOrEqual(1000);
    expect(new Set(delays).size).toBeGreaterThan(50);
  });

  it("never overflows after many attempts", () => {
    const b = new Backoff({ initialDelayMs: 500, maxDelayMs: 30_000, jitter: 0 });
    for (let i = 0; i < 5000; i++) b.nextDelayMs();
    expect(b.nextDelayMs()).toBe(30_000);
  });
});

describe("applyBackoff", () => {
  it("retries an unreachable broker with growing, capped delays, then connects and resets", async () => {
    const port = await freePort();
    const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 1000 });
    client.on("error", () => undefined);
    const delays: number[] = [];
    let beforeReconnect = 0;
    const detach = applyBackoff(client, {
      initialDelayMs: 10,
      maxDelayMs: 80,
      jitter: 0,
      onScheduled: (ms) => delays.push(ms),
      beforeReconnect: () => {
        beforeReconnect += 1;
      },
    });
    try {
      await waitFor(() => delays.length >= 6, "six retries");
      expect(delays.slice(0, 6)).toEqual([10, 20, 40, 80, 80, 80]);
      expect(beforeReconnect).toBeGreaterThanOrEqual(5);
      const broker = await startPlainBroker(port);
      try {
        let connects = 0;
        client.on("connect", () => {
          connects += 1;
        });
        await waitFor(() => client.connected, "connected once the broker is up");
        const scheduledBefore = delays.length;
        broker.dropAllClients();
        await waitFor(() => connects >= 1 && delays.length > scheduledBefore, "dropped and retried");
        expect(delays[scheduledBefore]).toBe(10); // reset by the successful connect
        await waitFor(() => client.connected, "reconnected");
      } finally {
        detach();
        client.end(true);
        await broker.close();
      }
    } finally {
      detach();
      client.end(true);
    }
  });
});
