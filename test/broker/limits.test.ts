import { connect as tcpConnect } from "node:net";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { topics } from "../../src/contract/index.js";
import { waitFor } from "../helpers/wait.js";
import { type Credentials, closed, HALL, Harness, inbox, provision } from "./harness.js";

let creds: Credentials;
let h: Harness;

beforeAll(async () => {
  creds = await provision();
});
beforeEach(() => {
  h = new Harness(creds);
});
afterEach(async () => {
  await h.cleanup();
});

describe("payload size", () => {
  it("refuses a payload one byte over the limit and closes that connection; the broker stays up", async () => {
    await h.start({ maxPayloadBytes: 4096 });
    const svc = await h.service();
    const seen = inbox(svc);
    const a = await h.agent("agent-a");
    await a.publishAsync(topics.telemetry(HALL, "agent-a", "k1"), Buffer.alloc(4096, 0x20), { qos: 1 });
    const gone = closed(a);
    a.publish(topics.telemetry(HALL, "agent-a", "k2"), Buffer.alloc(4097, 0x20));
    await gone;
    expect(h.broker.stats().oversizedRefused).toBe(1);
    const b = await h.agent("agent-b");
    await b.publishAsync(topics.telemetry(HALL, "agent-b", "k1"), "after", { qos: 1 });
    await waitFor(() => seen.some((m) => m.payload === "after"), "a later message");
    expect(seen.filter((m) => m.topic.endsWith("/k2"))).toHaveLength(0);
  });

  it("cuts a connection whose packet header announces too much, before the body arrives", async () => {
    await h.start({ maxPayloadBytes: 4096 });
    const socket = tcpConnect(Number(new URL(h.url).port), "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    // PUBLISH with a remaining length of 200 MB (0x80 0x84 0xAF 0x5F) and no body: buffering it would hang.
    socket.write(Buffer.from([0x30, 0x80, 0x84, 0xaf, 0x5f]));
    await new Promise((resolve) => socket.once("close", resolve));
    expect(h.broker.stats().oversizedRefused).toBe(1);
    expect((await h.agent("agent-a")).connected).toBe(true);
  });

  it("cuts a WebSocket client sending an oversized packet", async () => {
    await h.start({ maxPayloadBytes: 4096 });
    const a = await h.agent("agent-a", {}, h.wsUrl);
    const gone = closed(a);
    a.publish(topics.telemetry(HALL, "agent-a", "k1"), Buffer.alloc(64 * 1024, 0x20));
    await gone;
    expect((await h.agent("agent-b", {}, h.wsUrl)).connected).toBe(true);
  });
});

describe("publish rate", () => {
  it.each([
    ["TCP", false],
    ["WebSocket", true],
  ])("holds back a burst past the bucket over %s: every message arrives, in order, paced", async (_, ws) => {
    await h.start({ publishRatePerSec: 100, publishBurst: 10, maxThrottleMs: 5000 });
    const svc = await h.service();
    const seen = inbox(svc);
    const a = await h.agent("agent-a", {}, ws ? h.wsUrl : h.url);
    const startMs = performance.now();
    for (let i = 0; i < 60; i++) a.publish(topics.telemetry(HALL, "agent-a", "k1"), String(i));
    await waitFor(() => seen.length === 60, "all 60 messages", 5000);
    // 10 at once, then 50 at 100/s: about half a second.
    expect(performance.now() - startMs).toBeGreaterThan(400);
    expect(seen.map((m) => m.payload)).toEqual(Array.from({ length: 60 }, (_, i) => String(i)));
    expect(a.connected).toBe(true);
    expect(h.broker.stats().throttleEvents).toBeGreaterThan(0);
    expect(h.broker.stats().floodDisconnects).toBe(0);
  });

  it("survives a QoS 0 flood: other agents' messages flow promptly and the flooder is cut off", async () => {
    await h.start({ publishRatePerSec: 100, publishBurst: 100, maxThrottleMs: 1000 });
    const svc = await h.service();
    const seen = inbox(svc);
    const flooder = await h.agent("flooder");
    const a = await h.agent("agent-a");
    const flooderGone = closed(flooder);
    const payload = JSON.stringify({ v: 1, seq: 0, tsMs: 0 });
    for (let i = 0; i < 50_000; i++) flooder.publish(topics.telemetry(HALL, "flooder", "x"), payload);

    // Not starved behind the 50,000: each arrives while the flood is being cut off. The bound is loose (2 s) because
    // these machines share two cores with other suites; the 50,000 themselves never arrive (checked below).
    for (const n of [1, 2, 3]) {
      await a.publishAsync(topics.telemetry(HALL, "agent-a", "k1"), `still-here-${n}`, { qos: 1 });
      await waitFor(() => seen.some((m) => m.payload === `still-here-${n}`), `agent-a's message ${n}`, 2000);
    }
    await flooderGone;
    expect(h.broker.stats().floodDisconnects).toBe(1);
    // The bucket's burst plus about maxThrottleMs at the rate got through, not 50,000.
    expect(seen.filter((m) => m.topic.includes("/flooder/")).length).toBeLessThanOrEqual(100 + 100 + 5);
    expect((await h.agent("agent-b")).connected).toBe(true);
  });
});
