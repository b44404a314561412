import { execFileSync, spawn } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBinary, requireInCi } from "../helpers/external-servers.js";
import { freePort } from "../helpers/free-port.js";
import { MOSQUITTO } from "../helpers/mosquitto.js";
import { sleep } from "../helpers/wait.js";

/**
 * deploy/mosquitto's configuration and ACL, run by a real Mosquitto (only the listener, file paths and
 * persistence changed for a test): agents publish under their own prefix only and read only their commands.
 */
const DEPLOY = resolve(dirname(fileURLToPath(import.meta.url)), "../../deploy/mosquitto");
const PASSWD = findBinary(["/usr/bin/mosquitto_passwd", "/usr/sbin/mosquitto_passwd"]);
const USERS = { _aggregator: "aggregator-secret", "kiosk-a": "kiosk-a-secret", "kiosk-b": "kiosk-b-secret" };

describe.skipIf(!requireInCi(MOSQUITTO && PASSWD, "mosquitto"))("deploy/mosquitto ACL", () => {
  let dir: string;
  let port: number;
  let child: ReturnType<typeof spawn>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "hallwatch-deploy-mosquitto-"));
    port = await freePort();
    const passwd = join(dir, "passwd");
    writeFileSync(passwd, "");
    for (const [user, password] of Object.entries(USERS))
      execFileSync(PASSWD!, ["-b", passwd, user, password]);
    copyFileSync(join(DEPLOY, "acl"), join(dir, "acl"));
    const conf = readFileSync(join(DEPLOY, "mosquitto.conf"), "utf8")
      .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
      .replace(/^password_file .*$/m, `password_file ${passwd}`)
      .replace(/^acl_file .*$/m, `acl_file ${join(dir, "acl")}`)
      .replace(/^persistence true$/m, "persistence false")
      .replace(/^persistence_location .*$/m, "")
      .replace(/^log_dest stdout$/m, "log_dest stderr");
    writeFileSync(join(dir, "mosquitto.conf"), conf);
    chmodSync(dir, 0o755);
    for (const f of ["passwd", "acl", "mosquitto.conf"]) chmodSync(join(dir, f), 0o644);
    child = spawn(MOSQUITTO!, ["-c", join(dir, "mosquitto.conf")], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (c) => {
      stderr += String(c);
    });
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null)
        throw new Error(`mosquitto refused deploy/mosquitto/mosquitto.conf: ${stderr}`);
      const ok = await connect("_aggregator").then(
        async (c) => {
          await c.endAsync();
          return true;
        },
        () => false,
      );
      if (ok) return;
      await sleep(50);
    }
    throw new Error(`mosquitto did not start: ${stderr}`);
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const connect = (user: keyof typeof USERS | "nobody", password?: string) =>
    mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId: `${user}-${Math.random().toString(36).slice(2)}`,
      username: user,
      password: password ?? USERS[user as keyof typeof USERS],
      reconnectPeriod: 0,
      connectTimeout: 2000,
    });

  /** Topics `user` managed to publish to, as the aggregator (subscribed to everything) saw them. */
  async function delivered(user: keyof typeof USERS, topics: string[]): Promise<string[]> {
    const aggregator = await connect("_aggregator");
    const seen: string[] = [];
    aggregator.on("message", (topic) => seen.push(topic));
    await aggregator.subscribeAsync("hallwatch/#", { qos: 1 });
    const agent = await connect(user);
    for (const topic of topics) await agent.publishAsync(topic, "{}", { qos: 1 });
    await agent.publishAsync("hallwatch/v1/h1/kiosk-a/event/marker", "{}", { qos: 1 }).catch(() => {});
    await sleep(300);
    await agent.endAsync();
    await aggregator.endAsync();
    return seen.filter((t) => !t.endsWith("/marker")).sort();
  }

  it("refuses clients without a password", async () => {
    await expect(connect("nobody", "guess")).rejects.toThrow();
  });

  it("lets an agent publish only under its own prefix", async () => {
    const own = [
      "hallwatch/v1/h1/kiosk-a/status",
      "hallwatch/v1/h1/kiosk-a/birth",
      "hallwatch/v1/h1/kiosk-a/telemetry/kiosk-1",
      "hallwatch/v1/h1/kiosk-a/event/kiosk-1",
      "hallwatch/v1/h1/kiosk-a/reply",
    ];
    const foreign = [
      "hallwatch/v1/h1/kiosk-b/telemetry/kiosk-2",
      "hallwatch/v1/h1/kiosk-a/cmd",
      "hallwatch/v1/_system/aggregator/status",
      "hallwatch/v1/h1/kiosk-a/telemetry/kiosk-1/extra",
    ];
    expect(await delivered("kiosk-a", [...own, ...foreign])).toEqual([...own].sort());
  });

  it("lets an agent read only its own command topic and the aggregator's status", async () => {
    const agent = await connect("kiosk-a");
    const seen: string[] = [];
    agent.on("message", (topic) => seen.push(topic));
    await agent.subscribeAsync(
      [
        "hallwatch/v1/h1/kiosk-a/cmd",
        "hallwatch/v1/h1/kiosk-b/cmd",
        "hallwatch/v1/_system/aggregator/status",
      ],
      { qos: 1 },
    );
    const aggregator = await connect("_aggregator");
    for (const topic of [
      "hallwatch/v1/h1/kiosk-a/cmd",
      "hallwatch/v1/h1/kiosk-b/cmd",
      "hallwatch/v1/_system/aggregator/status",
    ]) {
      await aggregator.publishAsync(topic, "{}", { qos: 1 });
    }
    await sleep(300);
    await aggregator.endAsync();
    await agent.endAsync();
    expect(seen.sort()).toEqual(["hallwatch/v1/_system/aggregator/status", "hallwatch/v1/h1/kiosk-a/cmd"]);
  });
});
