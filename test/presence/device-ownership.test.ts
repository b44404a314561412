import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BirthDevice } from "../../src/contract/index.js";
import { kioskValues, type RawAgent } from "../helpers/raw-agent.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { PresenceStack } from "./stack.js";

const HALL = "hall-6";
const kiosk3: BirthDevice = {
  id: "kiosk-3",
  kind: "kiosk",
  model: "K100",
  zone: "self-service",
  reportIntervalSec: 10,
};
const tv9: BirthDevice = { id: "tv-9", kind: "tv", model: "TV55", zone: "waiting", reportIntervalSec: 10 };

describe("device ownership (issue 12, defect 6)", { timeout: 60_000 }, () => {
  let stack: PresenceStack;
  let owner: RawAgent;
  let intruder: RawAgent;

  beforeEach(async () => {
    stack = new PresenceStack();
    await stack.start();
    owner = await stack.provision(HALL, "agent-k", [kiosk3]);
    intruder = await stack.provision(HALL, "agent-x", [tv9, kiosk3]);
    await owner.connect();
    await owner.online();
    await owner.birth();
    await owner.telemetry("kiosk-3", kioskValues);
    await waitFor(
      async () => (await stack.get(`/api/devices/${HALL}/kiosk-3`)).values?.paperPct === 80,
      "owned",
    );
  });

  afterEach(async () => {
    await stack.close();
  });

  async function deadLetters(reason: string): Promise<number> {
    const body = await stack.get("/api/dead-letters");
    return (body.countsByReason as Record<string, number>)[reason] ?? 0;
  }

  it("defect 6: a birth from another agent cannot take over a device", async () => {
    await intruder.connect();
    await intruder.online();
    await intruder.birth(); // lists tv-9 and agent-k's kiosk-3
    await waitFor(async () => (await deadLetters("device_conflict")) >= 1, "the birth dead-lettered");
    // Its own device is registered; the other agent's is not moved.
    await waitFor(async () => (await stack.get(`/api/devices/${HALL}/tv-9`)).agentId === "agent-x", "tv-9");
    expect((await stack.get(`/api/devices/${HALL}/kiosk-3`)).agentId).toBe("agent-k");
    expect((await stack.get("/api/agents/agent-x")).deviceIds).toEqual(["tv-9"]);
    // Its telemetry for the device is dead-lettered too: no fake printer jam.
    await intruder.telemetry("kiosk-3", { ...kioskValues, printerState: "jam" });
    await waitFor(async () => (await deadLetters("device_conflict")) >= 2, "the telemetry dead-lettered");
    const kiosk = await stack.get(`/api/devices/${HALL}/kiosk-3`);
    expect(kiosk).toMatchObject({ agentId: "agent-k", values: { printerState: "ok" } });
    // Re-claiming it over and over changes nothing for its owner.
    for (let i = 0; i < 3; i++) await intruder.birth();
    await owner.telemetry("kiosk-3", { ...kioskValues, paperPct: 33 });
    await waitFor(
      async () => (await stack.get(`/api/devices/${HALL}/kiosk-3`)).values?.paperPct === 33,
      "owner",
    );
    expect((await stack.get("/api/agents/agent-k")).deviceIds).toEqual(["kiosk-3"]);
    // Admins are told, once per device and claimant.
    const all = (await stack.get<{ items: any[] }>("/api/alerts?limit=500")).items;
    const conflicts = all.filter((a) => a.faultType === "device_conflict");
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({
      hallId: "_system",
      status: "open",
      audience: ["admin"],
      affected: ["kiosk-3"],
    });
    expect(all.filter((a) => a.hallId === HALL)).toEqual([]); // no fake printer jam
    expect(conflicts[0].summary.en).toContain("agent-x");
  });

  it("defect 6: moving a device to another agent is an explicit, audited admin action", async () => {
    const move = (token?: string) =>
      stack.request("POST", `/api/devices/${HALL}/kiosk-3/move`, { agentId: "agent-x" }, token);
    // Not for other roles.
    const created = await stack.request("POST", "/api/users", {
      username: "floor-6",
      displayName: "Floor",
      password: "a long floor passphrase 6",
      roles: ["maintenance"],
      halls: [HALL],
    });
    expect(created.status).toBe(200);
    const { bearerToken } = await import("../helpers/auth.js");
    const floorToken = await bearerToken(stack.at.httpUrl, "floor-6", "a long floor passphrase 6");
    expect((await move(floorToken)).status).toBe(403);
    // Not to an agent of another hall, nor to an unknown one.
    await stack.provision("hall-7", "agent-z", []);
    const elsewhere = await stack.request("POST", `/api/devices/${HALL}/kiosk-3/move`, {
      agentId: "agent-z",
    });
    expect(elsewhere.status).toBe(400);
    const moved = await move();
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ agentId: "agent-x", deviceId: "kiosk-3" });
    const audit = await stack.get("/api/audit?limit=20");
    expect(audit.items.find((e: any) => e.action === "device_moved")).toMatchObject({
      actor: "admin",
      target: `${HALL}/kiosk-3`,
      before: { agentId: "agent-k" },
      after: { agentId: "agent-x" },
    });
    // Now the new agent's birth is accepted and its data flows; the former owner's is refused.
    await intruder.connect();
    await intruder.online();
    await intruder.birth();
    await intruder.telemetry("kiosk-3", { ...kioskValues, paperPct: 11 });
    await waitFor(
      async () => (await stack.get(`/api/devices/${HALL}/kiosk-3`)).values?.paperPct === 11,
      "moved",
    );
    await owner.telemetry("kiosk-3", { ...kioskValues, paperPct: 99 });
    await waitFor(async () => (await deadLetters("device_conflict")) >= 1, "the former owner refused");
    await sleep(200);
    expect((await stack.get(`/api/devices/${HALL}/kiosk-3`)).values.paperPct).toBe(11);
  });
});
