import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AgentConfigError, loadAgentConfig, parseAgentConfig } from "../../../agents/runtime/config.js";

const good = {
  brokerUrl: "mqtt://127.0.0.1:1883",
  hallId: "north-1",
  agentId: "north-1-kiosk-1",
  password: "s",
  stateDir: "/tmp/x",
  devices: [
    {
      id: "kiosk-1",
      kind: "kiosk",
      model: "K",
      zone: "z",
      reportIntervalSec: 10,
      driver: { type: "simulated" },
    },
  ],
};

describe("agent config", () => {
  it("accepts a good config, with defaults", () => {
    expect(parseAgentConfig(good)).toMatchObject({
      logLevel: "info",
      devices: [{ driver: { type: "simulated", seed: 1 } }],
    });
  });

  it("lists every bad path at once", () => {
    try {
      parseAgentConfig({
        ...good,
        brokerUrl: "http://x",
        agentId: "Bad/Id",
        devices: [
          { ...good.devices[0], reportIntervalSec: 0 },
          { ...good.devices[0], kind: "tv", driver: { type: "kiosk-host", appHealthUrl: "http://a/h" } },
        ],
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AgentConfigError);
      const problems = (err as AgentConfigError).problems.join("\n");
      expect(problems).toMatch(/brokerUrl/);
      expect(problems).toMatch(/agentId/);
      expect(problems).toMatch(/devices\.0\.reportIntervalSec/);
      expect(problems).toMatch(/devices\.1\.driver\.type: driver kiosk-host reports a kiosk, not a tv/);
    }
  });

  it("reads the secret from passwordFile, and refuses both or neither", () => {
    const dir = mkdtempSync(join(tmpdir(), "hallwatch-cfg-"));
    writeFileSync(join(dir, "secret"), "from-file\n");
    const { password: _drop, ...rest } = good;
    writeFileSync(join(dir, "a.json"), JSON.stringify({ ...rest, passwordFile: join(dir, "secret") }));
    expect(loadAgentConfig(join(dir, "a.json")).password).toBe("from-file");
    expect(() => parseAgentConfig(rest)).toThrow(/exactly one of password or passwordFile/);
    expect(() => parseAgentConfig({ ...good, passwordFile: "x" })).toThrow(/exactly one/);
  });

  it("accepts the shipped examples", () => {
    for (const file of ["kiosk-agent.json", "gateway-agent.json"]) {
      const json = JSON.parse(readFileSync(`agents/examples/${file}`, "utf8"));
      expect(() => parseAgentConfig(json)).not.toThrow();
    }
  });
});
