import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerToken } from "../helpers/auth.js";
import { waitFor } from "../helpers/wait.js";
import { DemoServer } from "../inspections/demo-server.js";

const EAST_PASSWORD = "Sunrise-Harbour-71";

interface HallHealth {
  id: string;
  name: string;
  devices: { online: number; offline: number; unknown: number; total: number };
  alerts: Record<"critical" | "major" | "minor" | "warning" | "operational", number>;
  openAlerts: number;
  worstSeverity: string | null;
  readiness: {
    ready: boolean;
    verdict: { en: string; zh: string };
    openingLocal: string;
    timeZone: string;
  } | null;
}

describe("GET /api/overview: every hall of the caller, worst first", () => {
  const demo = new DemoServer();
  beforeAll(async () => {
    await demo.start();
    expect(
      (
        await demo.json("admin", "POST", "/api/halls", {
          id: "east-hall",
          name: "East",
          timeZone: "Asia/Shanghai",
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await demo.json("admin", "POST", "/api/users", {
          username: "duty-east",
          displayName: "East duty",
          password: EAST_PASSWORD,
          roles: ["duty_manager"],
          halls: ["east-hall"],
        })
      ).status,
    ).toBe(200);
  });
  afterAll(async () => {
    await demo.stop();
  });

  it("refuses a caller who is not signed in", async () => {
    const response = await fetch(`${demo.at.httpUrl}/api/overview`);
    expect(response.status).toBe(401);
  });

  it("lists the admin's halls with the one with a critical alert first, and each hall's health and readiness", async () => {
    demo.simulator.inject("demo-hall", "charger-2", "overheat");
    await waitFor(
      async () => {
        const { body } = await demo.json<{ items: HallHealth[] }>("admin", "GET", "/api/overview");
        return (body.items?.find((h) => h.id === "demo-hall")?.alerts.critical ?? 0) >= 1;
      },
      "a critical alert counted in the demo hall",
      90_000,
      500,
    );
    const { status, body } = await demo.json<{ items: HallHealth[] }>("admin", "GET", "/api/overview");
    expect(status).toBe(200);
    expect(body.items.map((h) => h.id)).toEqual(["demo-hall", "east-hall"]);
    const [hall, east] = body.items as [HallHealth, HallHealth];
    expect(hall.worstSeverity).toBe("critical");
    expect(hall.devices.total).toBe(26);
    expect(hall.openAlerts).toBeGreaterThanOrEqual(1);
    expect(hall.readiness?.ready).toBe(false);
    expect(hall.readiness?.timeZone).toBe("Asia/Shanghai");
    expect(east).toMatchObject({ name: "East", openAlerts: 0, worstSeverity: null });
    expect(east.devices.total).toBe(0);
  }, 120_000);

  it("shows a user of another hall only that hall, never the demo hall", async () => {
    const token = await bearerToken(demo.at.httpUrl, "duty-east", EAST_PASSWORD);
    const response = await fetch(`${demo.at.httpUrl}/api/overview`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const east = (await response.json()) as { items: HallHealth[] };
    expect(east.items.map((h) => h.id)).toEqual(["east-hall"]);
    expect(JSON.stringify(east)).not.toContain("demo-hall");
    const duty = await demo.json<{ items: HallHealth[] }>("duty", "GET", "/api/overview");
    expect(duty.body.items.map((h) => h.id)).toEqual(["demo-hall"]);
  });

  it("counts for floor staff only the alerts addressed to them (an overheat goes to duty and security)", async () => {
    const floor = await demo.json<{ items: HallHealth[] }>("floor", "GET", "/api/overview");
    expect(floor.body.items[0]?.alerts.critical).toBe(0);
    const guard = await demo.json<{ items: HallHealth[] }>("guard", "GET", "/api/overview");
    expect(guard.body.items[0]?.alerts.critical).toBeGreaterThanOrEqual(1);
  });
});
