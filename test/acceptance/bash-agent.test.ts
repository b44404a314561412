// Issue 12, "Must show": an agent written in bash from docs/protocol.md alone (test/acceptance/bash-agent.sh), run
// against the embedded broker and against a real Mosquitto with the shipped deploy/mosquitto configuration, with
// the real Hallwatch server behind each. Everything is asserted through Hallwatch's HTTP API or on the agent's
// own output, the way an integrator meets it.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerToken } from "../helpers/auth.js";
import { findBinary, requireInCi } from "../helpers/external-servers.js";
import { MOSQUITTO } from "../helpers/mosquitto.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { BashAgent } from "./bash-agent-process.js";
import { ADMIN_PASSWORD, AGENT, embeddedStack, HALL, mosquittoStack, type Stack } from "./stacks.js";

const MOSQUITTO_PUB = findBinary(["/usr/bin/mosquitto_pub"]);
const mosquittoPubAvailable = requireInCi(MOSQUITTO_PUB, "mosquitto_pub (Debian mosquitto-clients)");

/** One device of every kind, hosted by one agent (the gateway pattern of docs/protocol.md §8). */
const DEVICES = [
  { id: "kiosk-1", kind: "kiosk" },
  { id: "charger-1", kind: "charger" },
  { id: "tv-1", kind: "tv" },
  { id: "queue-1", kind: "queue" },
  { id: "ext-1", kind: "extinguisher" },
  { id: "hydrant-1", kind: "hydrant" },
  { id: "gateway", kind: "gateway" },
].map((d) => ({ ...d, model: "BASH-1", zone: "entrance", reportIntervalSec: 5 }));

const port = (n: number, state: string) => ({
  port: n,
  state,
  currentA: state === "charging" ? 2 : 0,
  voltageV: 5,
});
/** Good readings per device, and for each one fault that raises at once (docs/faults.md) and its fault type. */
const GOOD: Record<string, object> = {
  "kiosk-1": { appOk: true, printerState: "ok", paperPct: 80, cpuPct: 10, memPct: 40, diskPct: 50 },
  "charger-1": {
    enclosureTempC: 30,
    totalPowerW: 10,
    ports: [port(1, "charging"), port(2, "idle"), port(3, "idle"), port(4, "idle")],
  },
  "tv-1": { power: "on", signalOk: true, input: "hdmi1", playerHeartbeatAgeSec: 3 },
  "queue-1": {
    appOk: true,
    printerState: "ok",
    paperPct: 70,
    waitingTotal: 3,
    longestWaitSec: 120,
    countersOpen: 2,
  },
  "ext-1": { pressureMpa: 1.2, present: true, batteryPct: 90 },
  "hydrant-1": { doorOpen: false, pressureMpa: 0.35, hosePresent: true, batteryPct: 90 },
  gateway: { uplinkOk: true, latencyMs: 20, packetLossPct: 0, sensorsOnline: 2, sensorsExpected: 2 },
};
const FAULTS: Record<string, { values: object; faultType: string }> = {
  "kiosk-1": { values: { ...GOOD["kiosk-1"], printerState: "jam" }, faultType: "printer_jam" },
  "charger-1": {
    values: {
      ...GOOD["charger-1"],
      ports: [port(1, "charging"), port(2, "fault"), port(3, "idle"), port(4, "idle")],
    },
    faultType: "port_fault",
  },
  "tv-1": { values: { ...GOOD["tv-1"], playerHeartbeatAgeSec: 300 }, faultType: "player_stalled" },
  "queue-1": { values: { ...GOOD["queue-1"], printerState: "jam" }, faultType: "printer_jam" },
  "ext-1": { values: { ...GOOD["ext-1"], present: false }, faultType: "removed" },
  "hydrant-1": { values: { ...GOOD["hydrant-1"], hosePresent: false }, faultType: "hose_missing" },
  gateway: { values: { ...GOOD.gateway, uplinkOk: false }, faultType: "uplink_down" },
};

interface Alert {
  id: string;
  deviceId: string | null;
  agentId: string | null;
  faultType: string;
  status: string;
  affected: string[];
}

function scenario(name: string, startStack: () => Promise<Stack>) {
  describe(name, () => {
    let stack: Stack;
    let token: string;
    let agent: BashAgent;
    let work: string;

    const api = async (path: string): Promise<any> => {
      const response = await fetch(`${stack.httpUrl}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status, path).toBe(200);
      return response.json();
    };
    const device = (id: string) => api(`/api/devices/${HALL}/${id}`);
    /** The agent as the API shows it, or null before the aggregator has heard from it (404). */
    const agentState = async (): Promise<any> => {
      const response = await fetch(`${stack.httpUrl}/api/agents/${AGENT}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return response.status === 404 ? null : response.json();
    };
    const activeAlerts = async (): Promise<Alert[]> =>
      (await api(`/api/alerts?hallId=${HALL}&status=active&limit=500`)).items;

    beforeAll(async () => {
      stack = await startStack();
      token = await bearerToken(stack.httpUrl, "admin", ADMIN_PASSWORD);
      work = mkdtempSync(join(tmpdir(), "hallwatch-bash-agent-"));
      writeFileSync(join(work, "secret"), `${stack.agentSecret}\n`, { mode: 0o600 });
      agent = startAgent();
    });

    const startAgent = () =>
      new BashAgent({
        MQTT_HOST: "127.0.0.1",
        MQTT_PORT: String(stack.mqttPort),
        HALL,
        AGENT,
        PASSWORD_FILE: join(work, "secret"),
        STATE_DIR: join(work, "state"),
        DEVICES: JSON.stringify(DEVICES),
        REPORT_SEC: "2",
      });

    afterAll(async () => {
      agent?.kill();
      await stack?.stop();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it("birth: the agent connects with its will, and every device of its birth is registered", async () => {
      await agent.waitForLine(/^birth seq=0$/);
      expect(agent.lines[0]).toBe("connected session=1");
      await waitFor(async () => (await agentState())?.session === 1, "agent session 1", 10_000);
      // The status that says session 1 and the birth are two publishes: the birth may still be on its way.
      const registered = async () => (await api(`/api/devices?hallId=${HALL}`)).items.length;
      await waitFor(async () => (await registered()) === DEVICES.length, "every device of the birth", 10_000);
      for (const d of DEVICES) expect((await device(d.id)).kind).toBe(d.kind);
    });

    it("telemetry for every kind: each device is online with the values sent", async () => {
      for (const d of DEVICES) agent.telemetry(d.id, GOOD[d.id] as object);
      for (const d of DEVICES) {
        await waitFor(
          async () => {
            const detail = await device(d.id);
            return (
              detail.connectivity === "online" && JSON.stringify(detail.values) === JSON.stringify(GOOD[d.id])
            );
          },
          `${d.id} online with its values`,
          10_000,
        );
      }
      expect(await activeAlerts()).toEqual([]);
    });

    it.each(DEVICES.map((d) => [d.kind, d.id] as const))(
      "a %s fault is raised, then resolved when the reading is good again; the alert keeps the faulty reading",
      async (_kind, deviceId) => {
        const fault = FAULTS[deviceId] as { values: object; faultType: string };
        agent.telemetry(deviceId, fault.values);
        const raised = await waitFor(
          async () =>
            (await activeAlerts()).find((a) => a.deviceId === deviceId && a.faultType === fault.faultType),
          `${fault.faultType} on ${deviceId}`,
          10_000,
        );
        agent.telemetry(deviceId, GOOD[deviceId] as object);
        await waitFor(
          async () => (await api(`/api/alerts/${raised.id}`)).status === "resolved",
          `${fault.faultType} on ${deviceId} resolved`,
          10_000,
        );
        const { history } = await api(`/api/alerts/${raised.id}`);
        const opened = history.find((h: { action: string }) => h.action === "opened");
        expect(opened.detail.values).toEqual(fault.values); // not the good reading that followed
      },
    );

    it("a sequence gap: the aggregator's rebirth command is answered by a new birth", async () => {
      const from = agent.lines.length;
      agent.send("gap 3");
      agent.telemetry("kiosk-1", GOOD["kiosk-1"] as object);
      const cmdLine = await agent.waitForLine(/^cmd rebirth id=\S+$/, from);
      await agent.waitForLine(/^birth seq=0$/, cmdLine);
      const detail = await api(`/api/agents/${AGENT}`);
      expect(detail.lostMessages).toBe(3);
      // After the new birth the numbering restarts at 1 without another gap.
      agent.telemetry("kiosk-1", GOOD["kiosk-1"] as object);
      await agent.waitForLine(/ seq=1$/, cmdLine);
      await sleep(500);
      expect((await api(`/api/agents/${AGENT}`)).lostMessages).toBe(3);
    });

    it.skipIf(!mosquittoPubAvailable)("defect 27: §8's mosquitto_pub commands work as written", async () => {
      if (!stack.docAgentSecret) return; // provisioned on the embedded stack only
      const doc = readFileSync(new URL("../../docs/protocol.md", import.meta.url), "utf8");
      const eight = doc.slice(doc.indexOf("\n## 8. "));
      const block = /```bash\n([\s\S]*?)```/.exec(eight)?.[1] ?? "";
      expect(block).toContain("mosquitto_pub");
      const script = block
        .replace("P='the-secret-printed-at-provisioning'", `P='${stack.docAgentSecret}'`)
        .replaceAll("-p 1883", `-p ${stack.mqttPort}`);
      // Not execFileSync: the embedded broker runs in this process and must keep answering.
      await promisify(execFile)("bash", ["-euo", "pipefail", "-c", script], { timeout: 15_000 });
      await waitFor(async () => {
        const response = await fetch(`${stack.httpUrl}/api/devices/demo-hall/kiosk-9`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return response.status === 200 && ((await response.json()) as any).values?.cpuPct === 5;
      }, "kiosk-9's telemetry from the doc's commands");
    });

    it("the will: killing the agent's one connection takes its devices offline under one alert", async () => {
      agent.kill();
      // The agent hosts the hall's gateway, so the one alert is gateway_down (docs/faults.md), naming the others.
      const ids = DEVICES.filter((d) => d.kind !== "gateway")
        .map((d) => d.id)
        .sort();
      await waitFor(
        async () => {
          for (const d of DEVICES) if ((await device(d.id)).connectivity !== "offline") return false;
          return true;
        },
        "every device offline",
        10_000,
      );
      await sleep(1500); // anything else that would open must have had its chance
      const alerts = await activeAlerts();
      expect(
        alerts.map((a) => ({
          faultType: a.faultType,
          deviceId: a.deviceId,
          affected: [...a.affected].sort(),
        })),
      ).toEqual([{ faultType: "gateway_down", deviceId: "gateway", affected: ids }]);
      for (const d of DEVICES) expect((await device(d.id)).connectivityReason).toBe("agent_offline");
    });

    it.skipIf(!mosquittoPubAvailable)(
      "defect 27: one mosquitto_pub beside the agent's connection takes it over and fires its will",
      async () => {
        agent = startAgent(); // session 2, the same devices
        await agent.waitForLine(/^birth seq=0$/);
        for (const d of DEVICES) agent.telemetry(d.id, GOOD[d.id] as object);
        await waitFor(
          async () => {
            for (const d of DEVICES) if ((await device(d.id)).connectivity !== "online") return false;
            return true;
          },
          "every device back online",
          10_000,
        );
        // What the old §8 suggested for every message: a short mosquitto_pub with the agent's identity.
        await promisify(execFile)(
          MOSQUITTO_PUB as string,
          [
            ...[
              "-h",
              "127.0.0.1",
              "-p",
              String(stack.mqttPort),
              "-i",
              AGENT,
              "-u",
              AGENT,
              "-P",
              stack.agentSecret,
            ],
            ...["-q", "1", "-t", `hallwatch/v1/${HALL}/${AGENT}/telemetry/kiosk-1`],
            ...[
              "-m",
              JSON.stringify({ v: 1, session: 2, seq: 99, tsMs: Date.now(), values: GOOD["kiosk-1"] }),
            ],
          ],
          { timeout: 10_000 },
        );
        expect(await agent.exitCode()).toBe(1); // "the broker closed the connection"
        await waitFor(
          // Not kiosk-1: the takeover's own telemetry for it may arrive after the will and count as a sign of life.
          async () => (await device("ext-1")).connectivityReason === "agent_offline",
          "the will of session 2 published by the takeover",
          10_000,
        );
      },
    );
  });
}

scenario("bash agent from docs/protocol.md against the embedded broker", embeddedStack);

const mosquittoAvailable = requireInCi(MOSQUITTO, "mosquitto");
describe.skipIf(!mosquittoAvailable)("with Mosquitto", () => {
  scenario("bash agent from docs/protocol.md against Mosquitto with deploy/mosquitto", mosquittoStack);
});
