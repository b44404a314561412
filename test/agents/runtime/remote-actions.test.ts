import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSimDriver } from "../../../agents/drivers/sim/index.js";
import type { SimKiosk } from "../../../agents/drivers/sim/kiosk.js";
import { Agent } from "../../../agents/runtime/agent.js";
import type { DeviceDriver } from "../../../agents/runtime/driver.js";
import { COMMAND_MAX_AGE_MS, commandReplySchema, topics } from "../../../src/contract/index.js";
import { type PlainBroker, startPlainBroker } from "../../helpers/plain-broker.js";
import { waitFor } from "../../helpers/wait.js";

const H = "hall-t";
const A = "agent-t";

/** A signage box whose screen is far too big for a reply, and whose restart fails. */
const bigScreen: DeviceDriver<"tv"> = {
  spec: { id: "tv-1", kind: "tv", model: "T", zone: "z", reportIntervalSec: 60 },
  read: () => ({ power: "on", signalOk: true, playerHeartbeatAgeSec: 1 }),
  screenshot: async () => ({ mimeType: "image/jpeg", data: Buffer.alloc(50_000, 0xff) }),
  restartApp: async () => {
    throw new Error("player.service not found");
  },
};

describe("agent runtime: restart_app, reboot_host, screenshot", () => {
  let broker: PlainBroker;
  let observer: MqttClient;
  let agent: Agent;
  let stateDir: string;
  let kiosk: SimKiosk;
  const replies: Record<string, unknown>[] = [];

  beforeEach(async () => {
    replies.length = 0;
    broker = await startPlainBroker();
    stateDir = mkdtempSync(join(tmpdir(), "hallwatch-agent-actions-"));
    observer = await mqtt.connectAsync(broker.url, { clientId: "observer" });
    observer.on("message", (_topic, payload) => {
      const json = JSON.parse(payload.toString());
      expect(commandReplySchema.safeParse(json).success).toBe(true);
      replies.push(json);
    });
    await observer.subscribeAsync(topics.reply(H, A), { qos: 1 });
    kiosk = createSimDriver(
      { id: "kiosk-1", kind: "kiosk", model: "K", zone: "z", reportIntervalSec: 5 },
      1,
    ) as SimKiosk;
    const gateway = createSimDriver(
      { id: "gw-1", kind: "gateway", model: "G", zone: "z", reportIntervalSec: 5 },
      1,
    );
    agent = new Agent({
      brokerUrl: broker.url,
      hallId: H,
      agentId: A,
      password: "x",
      stateDir,
      drivers: [kiosk, gateway, bigScreen],
      sampleIntervalMs: 100,
    });
    agent.start();
    await waitFor(() => agent.isConnected, "agent connected");
  });

  afterEach(async () => {
    await agent.stop();
    await observer.endAsync(true);
    await broker.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  async function ask(body: Record<string, unknown>): Promise<any> {
    const id = `c-${replies.length}-${Math.random().toString(36).slice(2, 8)}`;
    await observer.publishAsync(
      topics.command(H, A),
      JSON.stringify({ v: 1, id, tsMs: Date.now(), ...body }),
      { qos: 1 },
    );
    return waitFor(() => replies.find((r) => r.id === id), `the reply to ${JSON.stringify(body)}`);
  }

  it("restarts a simulated kiosk's app and says so; the app is down briefly", async () => {
    const reply = await ask({ cmd: "restart_app", deviceId: "kiosk-1" });
    expect(reply).toMatchObject({ ok: true, result: { detail: expect.stringContaining("restarted") } });
    expect(kiosk.actions.restarts).toBe(1);
    expect(kiosk.read().appOk).toBe(false);
  });

  it("returns a screenshot as base64 PNG", async () => {
    const reply = await ask({ cmd: "screenshot", deviceId: "kiosk-1" });
    expect(reply.ok).toBe(true);
    expect(reply.result.screenshot.mimeType).toBe("image/png");
    expect(Buffer.from(reply.result.screenshot.dataBase64, "base64").subarray(1, 4).toString()).toBe("PNG");
  });

  it("answers unsupported for a device without the action, unknown_device for one it does not host", async () => {
    expect(await ask({ cmd: "restart_app", deviceId: "gw-1" })).toMatchObject({
      ok: false,
      error: "unsupported",
    });
    expect(await ask({ cmd: "screenshot", deviceId: "gw-1" })).toMatchObject({
      ok: false,
      error: "unsupported",
    });
    expect(await ask({ cmd: "restart_app", deviceId: "kiosk-9" })).toMatchObject({
      ok: false,
      error: "unknown_device: kiosk-9",
    });
    expect(kiosk.actions.restarts).toBe(0);
  });

  it("refuses a reboot without confirm: true, and reboots with it", async () => {
    const refused = await ask({ cmd: "reboot_host", deviceId: "kiosk-1" });
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/^invalid_command: /);
    expect(kiosk.actions.hostDownUntilMs).toBe(0);
    expect(await ask({ cmd: "reboot_host", deviceId: "kiosk-1", confirm: true })).toMatchObject({ ok: true });
    expect(kiosk.actions.hostDownUntilMs).toBeGreaterThan(Date.now());
  });

  it("refuses expired commands: past expiresMs, or older than the max age without one; a late rebirth is still answered", async () => {
    expect(await ask({ cmd: "restart_app", deviceId: "kiosk-1", expiresMs: Date.now() - 1 })).toMatchObject({
      ok: false,
      error: "expired",
    });
    expect(
      await ask({ cmd: "restart_app", deviceId: "kiosk-1", tsMs: Date.now() - COMMAND_MAX_AGE_MS - 1000 }),
    ).toMatchObject({ ok: false, error: "expired" });
    // An expiry further away than the max age is capped by it.
    expect(
      await ask({
        cmd: "restart_app",
        deviceId: "kiosk-1",
        tsMs: Date.now() - COMMAND_MAX_AGE_MS - 1000,
        expiresMs: Date.now() + 3_600_000,
      }),
    ).toMatchObject({ ok: false, error: "expired" });
    expect(kiosk.actions.restarts).toBe(0);
    expect(await ask({ cmd: "rebirth", tsMs: 1 })).toMatchObject({ ok: true });
  });

  it("refuses a screenshot larger than a reply may carry, and reports a driver's failure", async () => {
    const big = await ask({ cmd: "screenshot", deviceId: "tv-1" });
    expect(big.ok).toBe(false);
    expect(big.error).toMatch(/^screenshot_too_large: 50000 bytes/);
    const failed = await ask({ cmd: "restart_app", deviceId: "tv-1" });
    expect(failed).toMatchObject({ ok: false, error: "failed: player.service not found" });
  });
});
