import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { type DeployedMosquitto, startDeployedMosquitto } from "../helpers/deploy-mosquitto.js";
import { requireInCi } from "../helpers/external-servers.js";
import { MOSQUITTO, MOSQUITTO_PASSWD } from "../helpers/mosquitto-process.js";
import { clusterCompose, DEPLOY, nodeServices, ROOT, sampleValue, substitute } from "./cluster-compose.js";

/**
 * docs/scale-out.md, "Running three nodes with compose": its commands, run as written in a copy of deploy/, with
 * Docker replaced (it cannot run here) by the local mosquitto_passwd for `docker run … eclipse-mosquitto:2
 * mosquitto_passwd …` and by a recorder for `docker compose` and curl. Between copying env.example and the rest,
 * the test fills in deploy/.env as the reader is told to. The password file they make must log every node in to
 * the shipped Mosquitto configuration.
 */
const DOC = readFileSync(join(ROOT, "docs/scale-out.md"), "utf8");
const SECTION = DOC.split(/^## /m).find((s) => s.startsWith("Running three nodes with compose\n")) ?? "";
const COMMANDS = /```bash\n([\s\S]*?)```/.exec(SECTION)?.[1] ?? "";

/** Stand-ins for what cannot run here (Docker, sudo, curl); everything else in the block runs as written. */
const PRELUDE = readFileSync(join(ROOT, "test/deploy/doc-stand-ins.sh"), "utf8");

describe.skipIf(!requireInCi(MOSQUITTO, "mosquitto"))(
  "docs/scale-out.md: running three nodes with compose",
  () => {
    let repo: string;
    let broker: DeployedMosquitto;
    let recorded: string[];
    let env: Record<string, string>;

    beforeAll(async () => {
      repo = mkdtempSync(join(tmpdir(), "hallwatch-scale-out-doc-"));
      mkdirSync(join(repo, "deploy/mosquitto/secrets"), { recursive: true });
      copyFileSync(join(DEPLOY, "env.example"), join(repo, "deploy/env.example"));
      const [first, ...rest] = COMMANDS.trimEnd().split("\n");
      expect(first).toMatch(/^cp deploy\/env\.example deploy\/\.env\b/);
      const run = (script: string) =>
        execFileSync("bash", ["-c", `${PRELUDE}\n${script}`], {
          cwd: repo,
          env: { ...process.env, RECORD: join(repo, "record"), MOSQUITTO_PASSWD: MOSQUITTO_PASSWD! },
          stdio: ["ignore", "pipe", "pipe"],
        });
      writeFileSync(join(repo, "record"), "");
      run(first!);
      // The reader fills in every value of deploy/.env.
      const example = readFileSync(join(repo, "deploy/.env"), "utf8");
      const filled = example.replace(
        /^([A-Z0-9_]+)=$/gm,
        (_m, name: string) => `${name}=${sampleValue(name)}`,
      );
      writeFileSync(join(repo, "deploy/.env"), filled);
      env = Object.fromEntries([...filled.matchAll(/^([A-Z0-9_]+)=(.+)$/gm)].map((m) => [m[1]!, m[2]!]));
      run(rest.join("\n"));
      recorded = readFileSync(join(repo, "record"), "utf8").trim().split("\n");
      broker = await startDeployedMosquitto({ nobody: "not-a-node" });
    });
    afterAll(async () => {
      await broker?.stop();
      if (repo) rmSync(repo, { recursive: true, force: true });
    });

    it("makes a password file that logs every node in with its password from deploy/.env", async () => {
      copyFileSync(join(repo, "deploy/mosquitto/secrets/passwd"), broker.passwordFile);
      await broker.reload();
      for (const [name, node] of nodeServices(clusterCompose())) {
        const config = loadConfig(
          Object.fromEntries(
            Object.entries(node.environment!).map(([k, v]) => [k, substitute(String(v), (n) => env[n]!)]),
          ),
        );
        const client = await mqtt.connectAsync(broker.url, {
          username: config.mqtt.username,
          password: config.mqtt.password!,
          reconnectPeriod: 0,
          connectTimeout: 3000,
        });
        expect(client.connected, name).toBe(true);
        await client.endAsync();
        await expect(
          mqtt.connectAsync(broker.url, {
            username: config.mqtt.username,
            password: "wrong",
            reconnectPeriod: 0,
            connectTimeout: 3000,
          }),
        ).rejects.toThrow();
      }
    });

    it("starts the cluster file, asks HAProxy's published port for health, and reloads the broker by its name", () => {
      const compose = clusterCompose();
      const calls = recorded.filter((l) => l.startsWith("compose "));
      for (const call of calls) expect(call).toMatch(/^compose -f deploy\/compose\.cluster\.yaml /);
      expect(calls).toContain("compose -f deploy/compose.cluster.yaml up -d --build");
      const hup = calls.find((c) => c.includes("kill -s HUP"));
      expect(compose.services).toHaveProperty(hup!.split(" ").pop()!);
      const curl = recorded.find((l) => l.startsWith("curl "));
      const url = new URL(curl!.split(" ").pop()!);
      expect(compose.services.haproxy!.ports).toContain(`${url.hostname}:${url.port}:8080`);
      expect(url.pathname).toBe("/api/health");
    });

    it("names in prose only the .env values compose.cluster.yaml reads", () => {
      const used = new Set(
        [...readFileSync(join(DEPLOY, "compose.cluster.yaml"), "utf8").matchAll(/\$\{([A-Z0-9_]+):\?/g)].map(
          (m) => m[1]!,
        ),
      );
      const prose = /which values this file reads \(([^)]+)\)/.exec(SECTION.replace(/\s+/g, " "))?.[1] ?? "";
      const named = [...prose.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]!);
      for (const name of named) expect(used, name).toContain(name);
      // "HALLWATCH_NODE1_MQTT_PASSWORD`…`HALLWATCH_NODE3_MQTT_PASSWORD" stands for the three of them.
      for (const name of used) {
        expect(named.includes(name) || /^HALLWATCH_NODE2_/.test(name), name).toBe(true);
      }
    });
  },
);
