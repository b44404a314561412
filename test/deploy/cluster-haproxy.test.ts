import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBinary, requireInCi } from "../helpers/external-servers.js";
import { freePort } from "../helpers/free-port.js";
import { waitFor } from "../helpers/wait.js";
import { clusterCompose, HAPROXY_CFG, nodeServices } from "./cluster-compose.js";

/**
 * deploy/haproxy/haproxy.cfg run by a real HAProxy (only the listener and the nodes' addresses changed for a test:
 * loopback ports instead of compose's names) in front of three stand-in nodes that answer /api/health as the test
 * says. It spreads requests over healthy nodes, drops a node whose health fails, still reaches the nodes when none
 * is healthy, streams the live alert stream as it is written, and passes on only the client's real address.
 */
const HAPROXY = findBinary(["/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy"]);
const NODES = nodeServices(clusterCompose()).map(([name]) => name);

interface StandIn {
  name: string;
  server: Server;
  port: number;
  healthStatus: number;
}

async function standIn(name: string): Promise<StandIn> {
  const node: StandIn = { name, server: createServer(), port: 0, healthStatus: 200 };
  node.server.on("request", (req, res) => {
    if (req.url === "/api/health") {
      res.writeHead(node.healthStatus, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: node.healthStatus === 200 ? "ok" : "degraded" }));
    } else if (req.url === "/api/alerts/stream") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.write(`: ${name} alert stream\n\n`);
      const later = setTimeout(() => res.write(`event: alert\ndata: {"node":"${name}"}\n\n`), 300);
      req.on("close", () => clearTimeout(later));
    } else {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ node: name, forwardedFor: req.headers["x-forwarded-for"] ?? null }));
    }
  });
  await new Promise<void>((resolve) => node.server.listen(0, "127.0.0.1", resolve));
  node.port = (node.server.address() as AddressInfo).port;
  return node;
}

describe.skipIf(!requireInCi(HAPROXY, "haproxy"))("deploy/haproxy/haproxy.cfg", () => {
  let dir: string;
  let port: number;
  let child: ChildProcess;
  let output = "";
  const nodes: StandIn[] = [];

  beforeAll(async () => {
    for (const name of NODES) nodes.push(await standIn(name));
    port = await freePort();
    dir = mkdtempSync(join(tmpdir(), "hallwatch-haproxy-"));
    const shipped = readFileSync(HAPROXY_CFG, "utf8");
    let cfg = shipped.replace(/^(\s*)bind :8080$/m, `$1bind 127.0.0.1:${port}`);
    for (const node of nodes) {
      cfg = cfg.replace(
        new RegExp(`^(\\s*server ${node.name}) ${node.name}:8080\\b`, "gm"),
        `$1 127.0.0.1:${node.port}`,
      );
    }
    expect(cfg).not.toMatch(/ node\d:8080/);
    expect(cfg).toContain(`bind 127.0.0.1:${port}`);
    writeFileSync(join(dir, "haproxy.cfg"), cfg);
    child = spawn(HAPROXY!, ["-db", "-f", join(dir, "haproxy.cfg")], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (c) => (output += String(c)));
    child.stderr?.on("data", (c) => (output += String(c)));
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`haproxy refused haproxy.cfg: ${output}`);
        return (await get("/api/anything").catch(() => null))?.status === 200;
      },
      "haproxy to answer",
      10_000,
      100,
    );
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    for (const node of nodes) node.server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function get(path: string, headers: Record<string, string> = {}) {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
    return {
      status: res.status,
      body: (await res.json().catch(() => null)) as Record<string, unknown> | null,
    };
  }
  async function nodesAnswering(count: number) {
    const seen = new Set<string>();
    for (let i = 0; i < count; i++) {
      const { status, body } = await get("/api/devices");
      expect(status).toBe(200);
      seen.add(String(body?.node));
    }
    return [...seen].sort();
  }

  it("checks each node's health, then spreads requests over them all", async () => {
    expect(output).not.toMatch(/\[ALERT\]/);
    await waitFor(
      async () => (await nodesAnswering(6)).length === NODES.length,
      "every node to answer",
      8000,
    );
  });

  it("passes on only the client's own address in X-Forwarded-For (the nodes trust HAProxy's)", async () => {
    const { body } = await get("/api/devices", { "x-forwarded-for": "203.0.113.9" });
    expect(body?.forwardedFor).toBe("127.0.0.1");
  });

  it("streams /api/alerts/stream as the node writes it", async () => {
    const chunks: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path: "/api/alerts/stream" }, (res) => {
        expect(res.headers["content-type"]).toBe("text/event-stream");
        res.on("data", (c) => {
          chunks.push(String(c));
          if (chunks.join("").includes("event: alert")) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on("error", reject);
      req.end();
    });
    // Both parts arrived while the response was still open: nothing was held back until its end.
    expect(chunks.join("")).toMatch(/alert stream\n\nevent: alert\n/);
  });

  it("stops sending to a node whose health fails, and takes it back when it recovers", async () => {
    const sick = nodes[1]!;
    sick.healthStatus = 503;
    await waitFor(
      async () => !(await nodesAnswering(6)).includes(sick.name),
      `${sick.name} out of rotation`,
      10_000,
      200,
    );
    sick.healthStatus = 200;
    await waitFor(
      async () => (await nodesAnswering(6)).includes(sick.name),
      `${sick.name} back in rotation`,
      10_000,
      200,
    );
  }, 30_000);

  it("still lets people reach the nodes when every node reports itself degraded", async () => {
    for (const node of nodes) node.healthStatus = 503;
    try {
      await waitFor(
        async () => output.match(/has no server available/),
        "every node marked down",
        10_000,
        200,
      );
      expect((await get("/api/devices")).status).toBe(200);
      const health = await get("/api/health");
      expect(health.status).toBe(503);
      expect(health.body?.status).toBe("degraded"); // the node's own answer, not HAProxy's page
    } finally {
      for (const node of nodes) node.healthStatus = 200;
    }
  }, 30_000);
});
