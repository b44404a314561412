import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  dashboardProviderYaml,
  datasourceYaml,
  ENV,
  GRAFANA_DASHBOARDS_PATH,
} from "../../dashboards/provisioning.js";
import { ENVIRONMENT, loadConfig } from "../../src/config/config.js";

/**
 * Docker cannot run where these tests run, so deploy/compose.yaml is checked statically: it parses, every file
 * it mounts or builds from exists, secrets come only from deploy/.env (required, no defaults), Hallwatch's
 * variables are real config variables that validate, and Grafana gets what the provisioning files read.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DEPLOY = join(ROOT, "deploy");

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  volumes?: string[];
}
const compose = parse(readFileSync(join(DEPLOY, "compose.yaml"), "utf8")) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const mounts = (name: string) =>
  (services[name]!.volumes ?? []).map((v) => {
    const [source, target, mode] = v.split(":");
    return { source: source!, target: target!, mode };
  });
/** `${NAME:?message}` → NAME; anything else → null. */
const requiredVariable = (value: string) => /^\$\{([A-Z0-9_]+):\?[^}]+\}$/.exec(value)?.[1] ?? null;

describe("deploy/compose.yaml", () => {
  it("has the four services, images pinned and Hallwatch built from deploy/Dockerfile", () => {
    expect(Object.keys(services).sort()).toEqual(["grafana", "hallwatch", "influxdb", "mosquitto"]);
    expect(services.influxdb!.image).toBe("influxdb:1.8");
    for (const name of ["mosquitto", "influxdb", "grafana"]) expect(services[name]!.image).toMatch(/:\d/);
    const build = services.hallwatch!.build!;
    expect(existsSync(join(DEPLOY, build.context, build.dockerfile))).toBe(true);
    expect(readFileSync(join(DEPLOY, build.context, build.dockerfile), "utf8")).toMatch(/^FROM node:20/m);
  });

  it("mounts only files and folders that exist, and names every volume it uses", () => {
    for (const name of Object.keys(services)) {
      for (const { source } of mounts(name)) {
        if (source.startsWith(".")) expect(existsSync(join(DEPLOY, source)), `${name}: ${source}`).toBe(true);
        else expect(compose.volumes, `${name}: volume ${source}`).toHaveProperty(source);
      }
    }
  });

  it("copies only what exists into the image", () => {
    const dockerfile = readFileSync(join(DEPLOY, "Dockerfile"), "utf8");
    const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(" "));
    expect(copies.length).toBeGreaterThan(3);
    for (const path of copies) expect(existsSync(join(ROOT, path)), path).toBe(true);
  });

  it("takes every secret from deploy/.env with no default, and env.example lists them all empty", () => {
    const example = readFileSync(join(DEPLOY, "env.example"), "utf8");
    const listed = new Map(
      [...example.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!] as const),
    );
    for (const value of listed.values()) expect(value).toBe("");
    const used = new Set<string>();
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        const variable = requiredVariable(String(value));
        if (/PASSWORD|_USER$|_USERNAME$/.test(key) && !/^HALLWATCH_MQTT_USERNAME$/.test(key)) {
          expect(variable, `${name}.${key} must be \${VAR:?…}`).not.toBeNull();
        }
        if (String(value).includes("${")) expect(variable, `${name}.${key}`).not.toBeNull();
        if (variable) used.add(variable);
      }
    }
    for (const variable of used) expect([...listed.keys()], variable).toContain(variable);
    // env.example serves compose.cluster.yaml too (test/deploy/compose-cluster.test.ts): nothing else.
    const cluster = readFileSync(join(DEPLOY, "compose.cluster.yaml"), "utf8");
    for (const variable of listed.keys()) {
      expect(used.has(variable) || cluster.includes(`\${${variable}:?`), variable).toBe(true);
    }
    expect(readFileSync(join(DEPLOY, ".gitignore"), "utf8")).toMatch(/^\.env$/m);
  });

  it("gives Hallwatch real config variables that validate", () => {
    const env = services.hallwatch!.environment!;
    for (const key of Object.keys(env)) expect(Object.keys(ENVIRONMENT), key).toContain(key);
    const filled = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [k, requiredVariable(v) ? `secret-for-${k.toLowerCase()}` : v]),
    );
    const config = loadConfig(filled);
    expect(config.mqtt.brokerUrl).toBe("mqtt://mosquitto:1883");
    expect(config.influx.url).toBe("http://influxdb:8086");
    expect(config.http.host).toBe("0.0.0.0");
    expect(config.demo.enabled).toBe(false);
  });

  it("provisions Grafana from dashboards/ with what the provisioning files read", () => {
    const grafana = mounts("grafana");
    expect(grafana).toContainEqual({
      source: "../dashboards/provisioning",
      target: "/etc/grafana/provisioning",
      mode: "ro",
    });
    expect(grafana).toContainEqual({
      source: "../dashboards/generated",
      target: GRAFANA_DASHBOARDS_PATH,
      mode: "ro",
    });
    expect(dashboardProviderYaml()).toContain(`path: ${GRAFANA_DASHBOARDS_PATH}`);
    const env = services.grafana!.environment!;
    for (const name of Object.values(ENV)) {
      expect(datasourceYaml()).toContain(`\${${name}}`);
      expect(env, name).toHaveProperty(name);
    }
    const provisioning = parse(
      readFileSync(join(ROOT, "dashboards/provisioning/datasources/hallwatch-influxdb.yaml"), "utf8"),
    );
    expect(provisioning.datasources[0]).toMatchObject({ type: "influxdb", uid: "hallwatch-influxdb" });
  });

  it("mounts Mosquitto's password file and ACL where mosquitto.conf reads them", () => {
    const conf = readFileSync(join(DEPLOY, "mosquitto/mosquitto.conf"), "utf8");
    expect(conf).toMatch(/^allow_anonymous false$/m);
    const targets = mounts("mosquitto").map((m) => m.target);
    for (const key of ["password_file", "acl_file"]) {
      const path = new RegExp(`^${key} (\\S+)$`, "m").exec(conf)?.[1];
      expect(path, key).toBeDefined();
      expect(
        targets.some((t) => path === t || path!.startsWith(`${t}/`)),
        `${key} ${path}`,
      ).toBe(true);
    }
  });
});
