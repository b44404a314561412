import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, Browser, startHallwatch } from "../helpers/hallwatch.js";

/**
 * An operator asks a node who owns which hall (docs/scale-out.md, "Operations"). On the embedded default there is
 * one node: it owns every hall, with no leases.
 */
describe("GET /api/cluster on a single node", () => {
  let hw: Awaited<ReturnType<typeof startHallwatch>>;
  let admin: Browser;

  beforeAll(async () => {
    hw = await startHallwatch({ cluster: { nodeId: "node-a" } });
    admin = new Browser(hw.url);
    expect((await admin.signIn("admin", ADMIN_PASSWORD)).status).toBe(200);
    for (const id of ["h2", "h1"])
      expect((await admin.json("POST", "/api/halls", { id, name: id })).status).toBe(200);
    expect(
      (
        await admin.json("POST", "/api/users", {
          username: "dm",
          displayName: "dm",
          password: "Duty-Manager-of-h1",
          roles: ["duty_manager"],
          halls: ["h1"],
        })
      ).status,
    ).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await hw?.stop();
  });

  it("shows this node with every role, owning every hall, to an admin", async () => {
    const { status, body } = await admin.json("GET", "/api/cluster");
    expect(status).toBe(200);
    expect(body).toMatchObject({ mode: "single", nodeId: "node-a" });
    expect(body.nodes).toEqual([
      expect.objectContaining({
        nodeId: "node-a",
        roles: ["ingest", "api", "jobs"],
        live: true,
        self: true,
        halls: 2,
      }),
    ]);
    expect(body.halls).toEqual([
      { hallId: "h1", ownerNode: "node-a", epoch: null, leaseAgeMs: null, expired: false },
      { hallId: "h2", ownerNode: "node-a", epoch: null, leaseAgeMs: null, expired: false },
    ]);
  });

  it("is refused to anyone but an admin, and to nobody signed in", async () => {
    const dm = new Browser(hw.url);
    expect((await dm.signIn("dm", "Duty-Manager-of-h1")).status).toBe(200);
    expect((await dm.json("GET", "/api/cluster")).status).toBe(403);
    expect((await new Browser(hw.url).json("GET", "/api/cluster")).status).toBe(401);
  });

  it("names the node and its halls in the Prometheus metrics", async () => {
    const text = await (await admin.request("GET", "/metrics")).text();
    expect(text).toMatch(/hallwatch_node_info\{node="node-a",roles="ingest,api,jobs"\} 1/);
    expect(text).toMatch(/hallwatch_halls_owned 2\b/);
  });
});
