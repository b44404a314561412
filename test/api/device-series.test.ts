import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerToken } from "../helpers/auth.js";
import { waitFor } from "../helpers/wait.js";
import { DemoServer } from "../inspections/demo-server.js";

const series = (device: string, query: string) => `/api/devices/demo-hall/${device}/series?${query}`;

describe("GET /api/devices/:hallId/:deviceId/series over HTTP", () => {
  const demo = new DemoServer();
  beforeAll(async () => {
    await demo.start();
  });
  afterAll(async () => {
    await demo.stop();
  });

  it("answers a charger's temperature and an extinguisher's pressure with their units, one point a minute", async () => {
    const toMs = Date.now() + 60_000;
    const temp = await waitFor(
      async () => {
        const r = await demo.json(
          "maint",
          "GET",
          series("charger-1", `field=enclosureTempC&fromMs=0&toMs=${toMs}`),
        );
        return r.body.points?.length > 0 ? r : null;
      },
      "a charger's temperature",
      20_000,
    );
    expect(temp.status).toBe(200);
    expect(temp.body.field).toBe("enclosureTempC");
    expect(temp.body.unit).toBe("°C");
    const [tsMs, value] = temp.body.points[0];
    expect(typeof tsMs).toBe("number");
    expect(typeof value).toBe("number");
    const minutes = temp.body.points.map(([t]: [number]) => Math.floor(t / 60_000));
    expect(new Set(minutes).size).toBe(minutes.length);
    const pressure = await waitFor(
      async () => {
        const r = await demo.json("duty", "GET", series("ext-1", "field=pressureMpa"));
        return r.body.points?.length > 0 ? r : null;
      },
      "an extinguisher's pressure",
      20_000,
    );
    // The extinguisher's green zone, from the fault rules in force (defaults 1.0–1.4 MPa).
    expect(pressure.body).toMatchObject({
      field: "pressureMpa",
      unit: "MPa",
      greenZone: { min: 1, max: 1.4 },
    });
    expect(temp.body.greenZone).toBeNull();
    const waiting = await waitFor(
      async () => {
        const r = await demo.json("floor", "GET", series("queue-1", "field=waitingTotal"));
        return r.body.points?.length > 0 ? r : null;
      },
      "a queue's waiting count",
      20_000,
    );
    expect(waiting.body.unit).toBeNull();
  });

  it("refuses a field the kind has no number for, a bad range, an unknown device, and a user of another hall", async () => {
    const bad = await demo.json("maint", "GET", series("charger-1", "field=pressureMpa"));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("bad_request");
    expect((await demo.json("maint", "GET", series("ext-1", "field=present"))).status).toBe(400);
    expect(
      (await demo.json("maint", "GET", series("charger-1", "field=enclosureTempC&fromMs=5&toMs=4"))).status,
    ).toBe(400);
    expect(
      (await demo.json("maint", "GET", series("charger-1", "field=enclosureTempC&fromMs=x"))).status,
    ).toBe(400);
    expect((await demo.json("maint", "GET", series("charger-1", ""))).status).toBe(400);
    const unknown = await demo.json("maint", "GET", series("charger-99", "field=enclosureTempC"));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("not_found");

    expect((await demo.json("admin", "POST", "/api/halls", { id: "other-hall", name: "Other" })).status).toBe(
      200,
    );
    const created = await demo.json("admin", "POST", "/api/users", {
      username: "elsewhere",
      displayName: "Elsewhere",
      password: "Other-Hall-Key-42",
      roles: ["maintenance"],
      halls: ["other-hall"],
    });
    expect(created.body).toMatchObject({ username: "elsewhere" });
    const token = await bearerToken(demo.at.httpUrl, "elsewhere", "Other-Hall-Key-42");
    const refused = await fetch(`${demo.at.httpUrl}${series("charger-1", "field=enclosureTempC")}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(refused.status).toBe(404);
    expect(JSON.stringify(await refused.json())).not.toContain("points");
    expect((await fetch(`${demo.at.httpUrl}${series("charger-1", "field=enclosureTempC")}`)).status).toBe(
      401,
    );
  });
});
