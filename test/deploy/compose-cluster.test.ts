import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ENVIRONMENT, loadConfig } from "../../src/config/config.js";
import {
  clusterCompose,
  DEPLOY,
  HAPROXY_CFG,
  interpolations,
  nodeServices,
  ROOT,
  requiredVariable,
  sampleValue,
  substitute,
} from "./cluster-compose.js";

/**
 * Docker cannot run where these tests run, so deploy/compose.cluster.yaml is checked statically, as
 * test/dashboards/deploy-compose.test.ts checks compose.yaml: it parses, every file it mounts or builds from exists,
 * secrets come only from deploy/.env (required, no defaults), each node's variables are real config variables that
 * validate as a shared-halls node, and HAProxy sends to every node after checking its health. The real Mosquitto and
 * the real HAProxy run these files in cluster-mosquitto-acl.test.ts and cluster-haproxy.test.ts.
 */

const compose = clusterCompose();
const services = compose.services;
const nodes = nodeServices(compose);
const mounts = (name: string) =>
  (services[name]!.volumes ?? []).map((v) => {
    const [source, target, mode] = v.split(":");
    return { source: source!, target: target!, mode };
  });
/** A node's environment as the container gets it, with deploy/.env filled in with sample values. */
const filledEnvironment = (env: Record<string, string>) =>
  Object.fromEntries(Object.entries(env).map(([k, v]) => [k, substitute(String(v), sampleValue)]));
const haproxy = readFileSync(HAPROXY_CFG, "utf8");
/** The `backend <name>` sections of haproxy.cfg, each with its lines (comments dropped). */
const haproxySections = () => {
  const sections = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const raw of haproxy.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") continue;
    const header = /^(global|defaults|frontend|backend|listen|resolvers)\b\s*(\S*)/.exec(raw);
    if (header) {
      current = [];
      sections.set(`${header[1]} ${header[2]}`.trim(), current);
    } else current?.push(line);
  }
  return sections;
};

describe("deploy/compose.cluster.yaml", () => {
  it("has three nodes built like compose.yaml's hallwatch, PostgreSQL, Mosquitto and HAProxy, images pinned", () => {
    expect(nodes.map(([name]) => name)).toEqual(["node1", "node2", "node3"]);
    expect(Object.keys(services).sort()).toEqual([
      "haproxy",
      "mosquitto",
      "node1",
      "node2",
      "node3",
      "postgres",
    ]);
    const single = parse(readFileSync(join(DEPLOY, "compose.yaml"), "utf8")) as {
      services: Record<string, { build: unknown }>;
    };
    for (const [name, node] of nodes) {
      expect(node.build, name).toEqual(single.services.hallwatch!.build);
      expect(existsSync(join(DEPLOY, node.build!.context, node.build!.dockerfile))).toBe(true);
    }
    expect(services.postgres!.image).toMatch(/^postgres:\d+$/);
    expect(services.haproxy!.image).toMatch(/^haproxy:\d+\.\d+$/);
    expect(services.mosquitto!.image).toBe("eclipse-mosquitto:2");
    expect(compose.name).toBeDefined();
    expect(compose.name).not.toBe("hallwatch"); // not compose.yaml's project: its own containers and volumes
  });

  it("mounts only files and folders that exist, and names every volume it uses", () => {
    for (const name of Object.keys(services)) {
      for (const { source } of mounts(name)) {
        if (source.startsWith(".")) expect(existsSync(join(DEPLOY, source)), `${name}: ${source}`).toBe(true);
        else expect(compose.volumes, `${name}: volume ${source}`).toHaveProperty(source);
      }
    }
    const dataVolumes = nodes.map(([name]) => mounts(name).find((m) => m.target === "/data")?.source);
    expect(new Set(dataVolumes).size, "each node its own data directory").toBe(nodes.length);
    expect(mounts("postgres").map((m) => m.target)).toContain("/var/lib/postgresql/data");
    expect(mounts("haproxy")).toContainEqual({
      source: "./haproxy/haproxy.cfg",
      target: "/usr/local/etc/haproxy/haproxy.cfg",
      mode: "ro",
    });
  });

  it("takes every secret from deploy/.env with no default, and env.example lists them all empty", () => {
    const example = readFileSync(join(DEPLOY, "env.example"), "utf8");
    const listed = new Map(
      [...example.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!] as const),
    );
    for (const value of listed.values()) expect(value).toBe("");
    const used = new Set<string>();
    for (const [name, service] of Object.entries(services)) {
      for (const [key, raw] of Object.entries(service.environment ?? {})) {
        const value = String(raw);
        for (const part of interpolations(value)) {
          const variable = requiredVariable(part);
          expect(variable, `${name}.${key}: ${part} must be \${VAR:?…}`).not.toBeNull();
          used.add(variable!);
        }
        if (/PASSWORD|SECRET/.test(key)) expect(requiredVariable(value), `${name}.${key}`).not.toBeNull();
      }
    }
    for (const variable of used) expect([...listed.keys()], variable).toContain(variable);
    // The database password goes into HALLWATCH_DATABASE_URL: env.example says to make it URL-safe.
    expect(example).toMatch(/openssl rand -hex[^\n]*\n(#[^\n]*\n)*POSTGRES_PASSWORD=$/m);
    expect(readFileSync(join(DEPLOY, ".gitignore"), "utf8")).toMatch(/^\.env$/m);
  });

  it("gives each node real config variables that validate as a node sharing the halls", () => {
    for (const [name, node] of nodes) {
      const env = node.environment!;
      for (const key of Object.keys(env)) expect(Object.keys(ENVIRONMENT), `${name}: ${key}`).toContain(key);
      const config = loadConfig(filledEnvironment(env));
      expect(config.cluster.mode, name).toBe("shared");
      expect(config.cluster.nodeId).toBe(name);
      expect(config.cluster.address).toBe(`http://${name}:${config.http.port}`);
      expect(config.mqtt.brokerUrl).toBe("mqtt://mosquitto:1883");
      expect(config.databaseUrl).toMatch(/^postgres:\/\/hallwatch:[^@]+@postgres:5432\/hallwatch$/);
      expect(config.http.host).toBe("0.0.0.0");
      expect(config.demo.enabled).toBe(false);
      expect(config.dataDir).toBe("/data");
      expect(config.secretKey).not.toBeNull();
      // Believed because HAProxy replaces any X-Forwarded-For a client sends (checked below and run for real).
      expect(config.http.trustProxy).toBe(true);
      expect(node.ports ?? [], `${name} is reached through HAProxy only`).toEqual([]);
    }
  });

  it("gives each node its own id and MQTT user, and all of them one database and one secret key", () => {
    const env = nodes.map(([, node]) => loadConfig(filledEnvironment(node.environment!)));
    const distinct = (values: unknown[]) => new Set(values).size;
    expect(distinct(env.map((c) => c.cluster.nodeId))).toBe(nodes.length);
    expect(distinct(env.map((c) => c.mqtt.username))).toBe(nodes.length);
    expect(distinct(nodes.map(([, n]) => n.environment!.HALLWATCH_MQTT_PASSWORD))).toBe(nodes.length);
    expect(distinct(env.map((c) => c.databaseUrl))).toBe(1);
    expect(distinct(env.map((c) => c.secretKey))).toBe(1);
    expect(distinct(env.map((c) => c.auth.adminPassword))).toBe(1);
    // The database URL carries PostgreSQL's own password and names its user and database.
    const pg = services.postgres!.environment!;
    const url = new URL(env[0]!.databaseUrl!);
    expect(url.username).toBe(pg.POSTGRES_USER);
    expect(url.pathname).toBe(`/${pg.POSTGRES_DB}`);
    expect(nodes[0]![1].environment!.HALLWATCH_DATABASE_URL).toContain(pg.POSTGRES_PASSWORD);
  });

  it("starts the nodes once PostgreSQL answers pg_isready", () => {
    const test = services.postgres!.healthcheck!.test;
    expect(Array.isArray(test) ? test.join(" ") : test).toMatch(/pg_isready/);
    for (const [name, node] of nodes) {
      expect(node.depends_on, name).toMatchObject({
        postgres: { condition: "service_healthy" },
        mosquitto: { condition: "service_started" },
      });
    }
    expect(services.haproxy!.depends_on).toEqual(expect.arrayContaining(nodes.map(([n]) => n)));
  });

  it("mounts Mosquitto's password file and ACL as compose.yaml does", () => {
    const single = parse(readFileSync(join(DEPLOY, "compose.yaml"), "utf8")) as {
      services: Record<string, { volumes: string[] }>;
    };
    const config = (v: string[]) => v.filter((m) => m.startsWith("./"));
    expect(config(services.mosquitto!.volumes!)).toEqual(config(single.services.mosquitto!.volumes));
  });

  it("puts HAProxy before every node with a health check on /api/health", () => {
    const sections = haproxySections();
    const healthPath = /app\.get\("([^"]+)"/.exec(
      readFileSync(join(ROOT, "src/api/routes/health.ts"), "utf8"),
    )?.[1];
    expect(healthPath).toBe("/api/health");
    const backends = [...sections.keys()].filter((k) => k.startsWith("backend "));
    expect(backends.length).toBeGreaterThan(0);
    for (const backend of backends) {
      const lines = sections.get(backend)!;
      expect(lines, backend).toContain("option httpchk");
      expect(
        lines.find((l) => l.startsWith("http-check send")),
        backend,
      ).toContain(`uri ${healthPath}`);
      expect(
        lines.some((l) => /^balance (leastconn|roundrobin)$/.test(l)),
        backend,
      ).toBe(true);
      const servers = lines.filter((l) => l.startsWith("server "));
      for (const [name, node] of nodes) {
        const port = loadConfig(filledEnvironment(node.environment!)).http.port;
        expect(servers, `${backend}: ${name}`).toContainEqual(
          expect.stringMatching(new RegExp(`^server ${name} ${name}:${port}( .*)? check( |$)`)),
        );
      }
      expect(servers).toHaveLength(nodes.length);
    }
    const frontend = sections.get("frontend api")!;
    expect(frontend.indexOf("http-request del-header X-Forwarded-For")).toBeGreaterThanOrEqual(0);
    expect(frontend).toContain("option forwardfor");
    // The live alert stream: long timeouts, as upgraded connections too.
    expect(haproxy).toMatch(/^\s*timeout tunnel \d+h$/m);
    const published = services.haproxy!.ports ?? [];
    expect(published).toEqual(["127.0.0.1:8080:8080"]);
    expect(haproxy).toMatch(/^\s*bind :8080$/m);
  });
});
