// Issue 12, "Must show": an agent written in bash from docs/protocol.md alone (test/acceptance/bash-agent.sh), run
// against the embedded broker and against a real Mosquitto with the shipped deploy/mosquitto configuration, with
// the real Hallwatch server behind each. Everything is asserted through Hallwatch's HTTP API or on the agent's
// own output, the way an integrator meets it.
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbeddedBroker } from "../../src/app/embedded-broker.js";
import { HallwatchServer } from "../../src/app/server.js";
import { parseConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/logging.js";
import { CredentialStore } from "../../src/store/credentials.js";
import { openDatabase } from "../../src/store/database.js";
import { HallStore } from "../../src/store/halls.js";
import { bearerToken } from "../helpers/auth.js";
import { findBinary, requireInCi } from "../helpers/external-servers.js";
import { freePort } from "../helpers/free-port.js";
import { MOSQUITTO } from "../helpers/mosquitto.js";
import { sleep, waitFor } from "../helpers/wait.js";

const SCRIPT = fileURLToPath(new URL("./bash-agent.sh", import.meta.url));
const DEPLOY = fileURLToPath(new URL("../../deploy/mosquitto/", import.meta.url));
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const fullStackDoc = readFileSync(new URL("../../docs/full-stack.md", import.meta.url), "utf8");
const MOSQUITTO_PUB = findBinary(["/usr/bin/mosquitto_pub"]);
const mosquittoPubAvailable = requireInCi(MOSQUITTO_PUB, "mosquitto_pub (Debian mosquitto-clients)");
const MOSQUITTO_PASSWD = findBinary(["/usr/bin/mosquitto_passwd", "/usr/sbin/mosquitto_passwd"]);
const HALL = "acc-hall";
const AGENT = "acc-hall-bash";
const ADMIN_PASSWORD = "acceptance-admin-1";

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

/** The bash agent in its own process group, so that killing the group drops its one connection like a crash. */
class BashAgent {
  readonly lines: string[] = [];
  private stderr = "";
  private readonly child: ChildProcess;
  private killed = false;

  constructor(env: Record<string, string>) {
    this.child = spawn("bash", [SCRIPT], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    let partial = "";
    this.child.stdout?.on("data", (chunk) => {
      partial += String(chunk);
      const parts = partial.split("\n");
      partial = parts.pop() ?? "";
      this.lines.push(...parts);
    });
    this.child.stderr?.on("data", (chunk) => {
      this.stderr += String(chunk);
    });
  }

  send(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  telemetry(deviceId: string, values: object): void {
    this.send(`telemetry ${deviceId} ${JSON.stringify(values)}`);
  }

  async waitForLine(pattern: RegExp, after = 0, timeoutMs = 10_000): Promise<number> {
    return await waitFor(
      () => {
        if (this.child.exitCode !== null) throw new Error(`bash agent exited: ${this.stderr}`);
        const index = this.lines.findIndex((l, i) => i >= after && pattern.test(l));
        return index >= 0 ? index + 1 : null;
      },
      `agent output ${pattern} (stderr: ${this.stderr})`,
      timeoutMs,
    );
  }

  /** Resolves with the agent's exit code once it has exited. */
  async exitCode(timeoutMs = 10_000): Promise<number | null> {
    return await waitFor(
      () => (this.child.exitCode !== null ? { code: this.child.exitCode } : null),
      "agent exit",
      timeoutMs,
    ).then((r) => r.code);
  }

  /** SIGKILL to the whole group: the socket closes without DISCONNECT, so the broker publishes the will. */
  kill(): void {
    if (!this.child.pid || this.killed) return;
    this.killed = true;
    try {
      process.kill(-this.child.pid, "SIGKILL");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err; // it had already exited
    }
  }
}

interface Stack {
  httpUrl: string;
  mqttPort: number;
  agentSecret: string;
  /** The secret of docs/protocol.md §8's demo-hall-kiosk-9, provisioned on the embedded stack only. */
  docAgentSecret?: string;
  stop(): Promise<void>;
}

/** Creates the hall and provisions the agent the way `npm run broker -- hall add / agent provision` does. */
async function provision(dataDir: string, hallId = HALL, agentId = AGENT): Promise<string> {
  const db = openDatabase(join(dataDir, "hallwatch.db"));
  try {
    new HallStore(db).upsert({ id: hallId, name: `Hall ${hallId}` });
    return (await new CredentialStore(db).provisionAgent(hallId, agentId)).secret;
  } finally {
    db.close();
  }
}

function hallwatchConfig(dataDir: string, mqtt: Record<string, unknown>) {
  // uplink_down waits 30 s by default; the rules file (docs/faults.md) makes the scenario quick.
  const rulesFile = join(dataDir, "rules.json");
  writeFileSync(rulesFile, JSON.stringify({ kinds: { gateway: { uplink_down: { forSec: 0 } } } }));
  return parseConfig({
    dataDir,
    logLevel: "silent",
    http: { port: 0 },
    mqtt,
    demo: { enabled: false },
    auth: { adminPassword: ADMIN_PASSWORD },
    rulesFile,
  });
}

async function embeddedStack(): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), "hallwatch-acc-embedded-"));
  const agentSecret = await provision(dataDir);
  const docAgentSecret = await provision(dataDir, "demo-hall", "demo-hall-kiosk-9");
  const server = new HallwatchServer(
    hallwatchConfig(dataDir, { host: "127.0.0.1", port: 0 }),
    silentLogger(),
    { createBroker: createEmbeddedBroker },
  );
  const at = await server.start();
  return {
    httpUrl: at.httpUrl,
    mqttPort: Number(new URL(at.mqttUrl).port),
    agentSecret,
    docAgentSecret,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Mosquitto with the shipped deploy/mosquitto/mosquitto.conf and acl, set up as docs/full-stack.md says for
 * Debian; only the paths and the listener are changed for the test.
 */
async function mosquittoStack(): Promise<Stack> {
  if (!MOSQUITTO || !MOSQUITTO_PASSWD) throw new Error("mosquitto is not installed");
  const dir = mkdtempSync(join(tmpdir(), "hallwatch-acc-mosquitto-"));
  const dataDir = join(dir, "hallwatch");
  mkdirSync(dataDir);
  const agentSecret = await provision(dataDir);
  const mqttPort = await freePort();
  // docs/full-stack.md, "On Debian": Debian's own mosquitto.conf (its paths moved into this directory) includes a
  // file made from deploy/mosquitto/mosquitto.conf by the doc's own sed command; files owned as the doc says.
  const etc = join(dir, "etc");
  const hallwatchEtc = join(etc, "hallwatch");
  const [confD, run, lib] = [join(etc, "conf.d"), join(dir, "run"), join(dir, "lib")];
  for (const d of [hallwatchEtc, confD, run, lib]) mkdirSync(d, { recursive: true });
  const passwd = join(hallwatchEtc, "passwd");
  const acl = join(hallwatchEtc, "acl");
  writeFileSync(passwd, "", { mode: 0o600 });
  writeFileSync(acl, readFileSync(join(DEPLOY, "acl")), { mode: 0o600 });
  if (userInfo().uid === 0) {
    // Started as root, Mosquitto runs as the mosquitto user: it must read its secrets and write its data.
    const { uid, gid } = mosquittoUser();
    chownSync(hallwatchEtc, 0, gid);
    chmodSync(hallwatchEtc, 0o750);
    for (const path of [passwd, acl, run, lib]) chownSync(path, uid, gid);
  }
  execFileSync(MOSQUITTO_PASSWD, ["-b", passwd, "_aggregator", "aggregator-secret"]);
  execFileSync(MOSQUITTO_PASSWD, ["-b", passwd, AGENT, agentSecret]);
  const sed = /^(sed -e 's#\^password_file[\s\S]*?deploy\/mosquitto\/mosquitto\.conf) \|/m.exec(
    fullStackDoc,
  )?.[1];
  expect(sed, "the sed command of docs/full-stack.md").toBeTruthy();
  const included = execFileSync(
    "bash",
    ["-c", (sed as string).replaceAll("/etc/mosquitto/hallwatch/", `${hallwatchEtc}/`)],
    {
      cwd: REPO,
      encoding: "utf8",
    },
  ).replace(/^listener 1883$/m, `listener ${mqttPort} 127.0.0.1`);
  expect(included).toContain(`listener ${mqttPort} 127.0.0.1`);
  expect(included).toContain(`acl_file ${acl}`);
  writeFileSync(join(confD, "hallwatch.conf"), included);
  const debianMain = existsSync("/etc/mosquitto/mosquitto.conf")
    ? readFileSync("/etc/mosquitto/mosquitto.conf", "utf8")
    : "persistence true\npersistence_location /var/lib/mosquitto/\nlog_dest stderr\ninclude_dir /etc/mosquitto/conf.d\n";
  const main = debianMain
    .replace(/^pid_file .*$/m, `pid_file ${run}/mosquitto.pid`)
    .replace(/^persistence_location .*$/m, `persistence_location ${lib}/`)
    .replace(/^log_dest .*$/m, "log_dest stderr")
    .replace(/^include_dir .*$/m, `include_dir ${confD}`);
  const confFile = join(etc, "mosquitto.conf");
  writeFileSync(confFile, main);
  chmodSync(dir, 0o755);
  chmodSync(etc, 0o755);
  const child = spawn(MOSQUITTO, ["-c", confFile], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout?.on("data", (c) => {
    log += String(c);
  });
  child.stderr?.on("data", (c) => {
    log += String(c);
  });
  const started = await waitFor(
    async () => (child.exitCode !== null ? "exited" : (await canConnect(mqttPort)) ? "listening" : null),
    "mosquitto start",
    5000,
  ).catch(() => "timeout");
  if (started !== "listening") throw new Error(`mosquitto did not start (${started}): ${log}`);
  // The one warning docs/full-stack.md calls harmless, and nothing worse.
  expect(log).toContain(
    "Warning: ACL pattern 'hallwatch/v1/_system/aggregator/status' does not contain '%c' or '%u'.",
  );
  expect(log).not.toMatch(/Error/);
  const server = new HallwatchServer(
    hallwatchConfig(dataDir, { brokerUrl: `mqtt://127.0.0.1:${mqttPort}`, password: "aggregator-secret" }),
    silentLogger(),
    { createBroker: createEmbeddedBroker }, // not called: mqtt.brokerUrl is set
  );
  const at = await server.start();
  return {
    httpUrl: at.httpUrl,
    mqttPort,
    agentSecret,
    async stop() {
      await server.stop();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function canConnect(portNumber: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(portNumber, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function mosquittoUser(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("mosquitto:"));
  if (!line) throw new Error("no mosquitto user (Debian's mosquitto package creates it)");
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
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
      "a %s fault is raised, then resolved when the reading is good again",
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
