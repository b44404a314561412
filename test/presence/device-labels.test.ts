import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BirthDevice } from "../../src/contract/index.js";
import { bearerToken } from "../helpers/auth.js";
import type { RawAgent } from "../helpers/raw-agent.js";
import { waitFor } from "../helpers/wait.js";
import { PresenceStack } from "./stack.js";

const HALL = "hall-7";
const kiosk: BirthDevice = {
  id: "kiosk-1",
  kind: "kiosk",
  model: "K100",
  zone: "self-service",
  name: "Kiosk 1",
  reportIntervalSec: 10,
};

describe("an admin names, zones and retires devices over HTTP", { timeout: 60_000 }, () => {
  let stack: PresenceStack;
  let agent: RawAgent;

  beforeEach(async () => {
    stack = new PresenceStack();
    await stack.start();
    agent = await stack.provision(HALL, "agent-k", [kiosk]);
    await agent.connect();
    await agent.online();
    await agent.birth();
    await waitFor(
      async () => (await stack.get(`/api/devices/${HALL}/kiosk-1`)).connectivity === "online",
      "online",
    );
  });
  afterEach(async () => {
    await stack.close();
  });

  const put = (body: unknown, token?: string) =>
    stack.request("PUT", `/api/devices/${HALL}/kiosk-1`, body, token ?? stack.token);

  it("keeps the admin's name and zone over the agent's next births, and gives the birth's back on null", async () => {
    const answer = await put({ name: "东门自助终端", zone: "east-door" });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ name: "东门自助终端", zone: "east-door" });
    await agent.birth();
    await waitFor(async () => (await stack.get(`/api/agents/agent-k`)).lastBirthMs !== null, "birth");
    await agent.birth();
    expect(await stack.get(`/api/devices/${HALL}/kiosk-1`)).toMatchObject({
      name: "东门自助终端",
      zone: "east-door",
    });
    const audit = (await stack.get<{ items: { action: string; target: string }[] }>("/api/audit")).items;
    expect(audit.find((row) => row.action === "device_changed")?.target).toBe(`${HALL}/kiosk-1`);
    expect((await put({ name: null })).status).toBe(200);
    await agent.birth();
    await waitFor(
      async () => (await stack.get(`/api/devices/${HALL}/kiosk-1`)).name === "Kiosk 1",
      "birth's name",
    );
    expect((await stack.get(`/api/devices/${HALL}/kiosk-1`)).zone).toBe("east-door");
  });

  it("retires a device: offline for good and out of the list; a later birth listing it brings it back", async () => {
    const answer = await stack.request("POST", `/api/devices/${HALL}/kiosk-1/retire`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ retired: true, connectivity: "offline" });
    expect((await stack.get<{ items: unknown[] }>(`/api/devices?hallId=${HALL}`)).items).toEqual([]);
    expect(
      (await stack.get<{ items: unknown[] }>(`/api/devices?hallId=${HALL}&includeRetired=true`)).items,
    ).toHaveLength(1);
    await agent.birth();
    await waitFor(async () => (await stack.get(`/api/devices/${HALL}/kiosk-1`)).retired === false, "back");
  });

  it("refuses non-admins, unknown devices and bad input", async () => {
    await stack.request("POST", "/api/users", {
      username: "duty-7",
      displayName: "Duty",
      password: "Lantern-Queue-Nine",
      roles: ["duty_manager"],
      halls: [HALL],
    });
    const duty = await bearerToken(stack.at.httpUrl, "duty-7", "Lantern-Queue-Nine");
    expect((await put({ name: "x" }, duty)).status).toBe(403);
    expect((await stack.request("POST", `/api/devices/${HALL}/kiosk-1/retire`, undefined, duty)).status).toBe(
      403,
    );
    expect((await stack.request("PUT", `/api/devices/${HALL}/nope-1`, { name: "x" })).status).toBe(404);
    expect((await stack.request("POST", `/api/devices/${HALL}/nope-1/retire`)).status).toBe(404);
    for (const body of [{}, { zone: "" }, { name: "x".repeat(129) }, { model: "K" }]) {
      expect((await put(body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await stack.get(`/api/devices/${HALL}/kiosk-1`)).name).toBe("Kiosk 1");
  });
});
