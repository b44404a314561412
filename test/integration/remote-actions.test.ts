import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimDriver } from "../../agents/drivers/sim/index.js";
import type { SimKiosk } from "../../agents/drivers/sim/kiosk.js";
import { Agent } from "../../agents/runtime/agent.js";
import type { CommandReply } from "../../src/contract/index.js";
import { ADMIN_PASSWORD, Browser, startHallwatch } from "../helpers/hallwatch.js";
import { RawAgent } from "../helpers/raw-agent.js";
import { waitFor } from "../helpers/wait.js";

const HALL = "north";

/**
 * The round trip of a remote action as the console makes it: HTTP → aggregator → MQTT (the embedded Aedes broker
 * over TCP) → a real agent runtime with a simulated kiosk → reply → HTTP answer; refusals; the audit log.
 */
describe("remote actions from the API to a real agent over MQTT", () => {
  let hw: Awaited<ReturnType<typeof startHallwatch>>;
  let admin: Browser;
  let maint: Browser;
  let floor: Browser;
  let agent: Agent;
  let kiosk: SimKiosk;
  let mute: RawAgent;
  let stateDir: string;

  async function user(username: string, roles: string[]): Promise<Browser> {
    const password = `Lantern-Queue-Nine-${roles.length}7`;
    const created = await admin.json("POST", "/api/users", {
      username,
      displayName: username,
      password,
      roles,
      halls: [HALL],
    });
    expect(created.status).toBe(200);
    const b = new Browser(hw.url);
    expect((await b.signIn(username, password)).status).toBe(200);
    return b;
  }

  async function provision(agentId: string): Promise<string> {
    const answer = await admin.json("POST", "/api/admin/agents", { agentId, hallId: HALL });
    expect(answer.status).toBe(200);
    return answer.body.secret as string;
  }

  beforeAll(async () => {
    hw = await startHallwatch({ actions: { replyTimeoutMs: 1500 } });
    admin = new Browser(hw.url);
    expect((await admin.signIn("admin", ADMIN_PASSWORD)).status).toBe(200);
    expect((await admin.json("POST", "/api/halls", { id: HALL, name: "North" })).status).toBe(200);
    maint = await user("mei", ["maintenance"]);
    floor = await user("lin", ["floor_staff"]);
    stateDir = mkdtempSync(join(tmpdir(), "hallwatch-actions-"));
    kiosk = createSimDriver(
      { id: "kiosk-1", kind: "kiosk", model: "K", zone: "z", reportIntervalSec: 5 },
      1,
    ) as SimKiosk;
    agent = new Agent({
      brokerUrl: hw.at.mqttUrl,
      hallId: HALL,
      agentId: "north-kiosk-agent",
      password: await provision("north-kiosk-agent"),
      stateDir,
      drivers: [kiosk],
      sampleIntervalMs: 200,
    });
    agent.start();
    // An agent that announces its device and never answers a command.
    mute = new RawAgent(
      hw.at.mqttUrl,
      HALL,
      "north-mute-agent",
      1,
      [{ id: "kiosk-2", kind: "kiosk", model: "K", zone: "z", reportIntervalSec: 60 }],
      { username: "north-mute-agent", password: await provision("north-mute-agent") },
    );
    await mute.connect();
    await mute.online();
    await mute.birth();
    await waitFor(
      async () => {
        const devices = (await admin.json("GET", `/api/devices?hallId=${HALL}`)).body.items as {
          deviceId: string;
          connectivity: string;
        }[];
        return devices.filter((d) => d.connectivity === "online").length === 2;
      },
      "both agents' devices online",
      15_000,
    );
  });

  afterAll(async () => {
    await agent?.stop();
    if (mute?.client) mute.kill();
    await hw?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it("maintenance restarts the kiosk's app: the agent carries it out and the API returns its reply", async () => {
    const answer = await maint.json("POST", `/api/devices/${HALL}/kiosk-1/actions`, {
      action: "restart_app",
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: true, result: { detail: expect.stringContaining("restarted") } });
    expect(kiosk.actions.restarts).toBe(1);
  });

  it("maintenance changes the kiosk's report interval: the agent replies and announces the new rate", async () => {
    const answer = await maint.json("POST", `/api/devices/${HALL}/kiosk-1/actions`, {
      action: "set_report_interval",
      reportIntervalSec: 30,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.ok).toBe(true);
    // The agent's new birth carries the rate: the server now expects a report every 30 s from the kiosk.
    await waitFor(
      async () =>
        (
          (await admin.json("GET", `/api/devices?hallId=${HALL}`)).body.items as {
            deviceId: string;
            reportIntervalSec: number;
          }[]
        ).find((d) => d.deviceId === "kiosk-1")?.reportIntervalSec === 30,
      "the kiosk's report interval at 30 s",
    );
  });

  it("a screenshot comes back as a PNG in the reply", async () => {
    const answer = await maint.json("POST", `/api/devices/${HALL}/kiosk-1/actions`, { action: "screenshot" });
    expect(answer.status).toBe(200);
    expect(answer.body.ok).toBe(true);
    expect(answer.body.result.screenshot.mimeType).toBe("image/png");
    const png = Buffer.from(answer.body.result.screenshot.dataBase64, "base64");
    expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
  });

  it("floor staff asking for a restart get 403 and nothing is sent; they may identify", async () => {
    const before = kiosk.actions.restarts;
    const refused = await floor.json("POST", `/api/devices/${HALL}/kiosk-1/actions`, {
      action: "restart_app",
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("forbidden");
    const identified = await floor.json("POST", `/api/devices/${HALL}/kiosk-1/actions`, {
      action: "identify",
    });
    expect(identified.status).toBe(200);
    expect(identified.body.ok).toBe(true);
    expect(kiosk.actions.restarts).toBe(before);
    const log = await floor.json("GET", `/api/devices/${HALL}/kiosk-1/actions`);
    expect(log.body.allowed).toEqual(["identify"]);
  });

  it("a reboot needs an explicit confirm and a maintenance role; floor staff cannot even see the button", async () => {
    const unconfirmed = await maint.json("POST", `/api/devices/${HALL}/kiosk-1/actions`, {
      action: "reboot_host",
    });
    expect(unconfirmed.status).toBe(400);
    const log = await maint.json("GET", `/api/devices/${HALL}/kiosk-1/actions`);
    expect(log.body.allowed).toEqual([
      "identify",
      "set_report_interval",
      "restart_app",
      "reboot_host",
      "screenshot",
    ]);
  });

  it("every request and its outcome is in the audit log and the device's action log", async () => {
    const audit = (await admin.json("GET", "/api/audit?limit=50")).body.items as {
      actor: string;
      action: string;
      target: string;
      before: { action: string };
      after: { status: string; ok?: boolean };
    }[];
    const rows = audit.filter((r) => r.action === "device_action" && r.target === `${HALL}/kiosk-1`);
    expect(rows).toContainEqual(
      expect.objectContaining({
        actor: "mei",
        before: expect.objectContaining({ action: "restart_app" }),
        after: expect.objectContaining({ status: "replied", ok: true }),
      }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({
        actor: "lin",
        before: expect.objectContaining({ action: "restart_app" }),
        after: { status: "forbidden" },
      }),
    );
    const log = (await maint.json("GET", `/api/devices/${HALL}/kiosk-1/actions`)).body.items as {
      by: string;
      action: string;
    }[];
    expect(log.map((r) => `${r.by}:${r.action}`)).toEqual(
      expect.arrayContaining(["mei:restart_app", "lin:restart_app", "lin:identify", "mei:screenshot"]),
    );
  });

  it("an agent that never replies gives 504 agent_timeout after the configured timeout, audited", async () => {
    const answer = await maint.json("POST", `/api/devices/${HALL}/kiosk-2/actions`, {
      action: "restart_app",
    });
    expect(answer.status).toBe(504);
    expect(answer.body.error.code).toBe("agent_timeout");
    expect(mute.commands).toContainEqual(
      expect.objectContaining({ cmd: "restart_app", deviceId: "kiosk-2" }),
    );
    const sent = mute.commands.find((c) => (c as { cmd?: string }).cmd === "restart_app") as {
      tsMs: number;
      expiresMs: number;
    };
    expect(sent.expiresMs).toBeGreaterThan(sent.tsMs);
    const log = (await maint.json("GET", `/api/devices/${HALL}/kiosk-2/actions`)).body.items;
    expect(log[0].outcome.status).toBe("agent_timeout");
  });

  it("a command past its expiry is refused by the agent, and nothing is restarted", async () => {
    const before = kiosk.actions.restarts;
    const replies: CommandReply[] = [];
    const off = hw.server.aggregator.bus.on("command_reply", ({ reply }) => replies.push(reply));
    try {
      const id = await hw.server.aggregator.sendCommand(HALL, "north-kiosk-agent", {
        cmd: "restart_app",
        deviceId: "kiosk-1",
        expiresMs: Date.now() - 1000,
      });
      await waitFor(() => replies.some((r) => r.id === id), "the reply to the expired command");
      expect(replies.find((r) => r.id === id)).toMatchObject({ ok: false, error: "expired" });
    } finally {
      off();
    }
    expect(kiosk.actions.restarts).toBe(before);
  });

  it("a second reboot in a row is refused by the rate limit before it reaches the agent", async () => {
    // The sim kiosk's host "reboots" for a while; the second request must not reach it.
    const first = await maint.json("POST", `/api/devices/${HALL}/kiosk-1/actions`, {
      action: "reboot_host",
      confirm: true,
    });
    expect(first.status).toBe(200);
    const second = await maint.json("POST", `/api/devices/${HALL}/kiosk-1/actions`, {
      action: "reboot_host",
      confirm: true,
    });
    expect(second.status).toBe(429);
    expect(second.body.error.code).toBe("too_many_actions");
  });

  it("an offline agent's device gets 409 agent_offline", async () => {
    mute.kill();
    await waitFor(
      async () => {
        const d = (await admin.json("GET", `/api/devices/${HALL}/kiosk-2`)).body;
        return d.connectivity === "offline";
      },
      "kiosk-2 offline",
      15_000,
    );
    const answer = await maint.json("POST", `/api/devices/${HALL}/kiosk-2/actions`, { action: "identify" });
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe("agent_offline");
  });
});
