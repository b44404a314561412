import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoHallLayout } from "../../agents/simulator/layout.js";
import { createDemo } from "../../src/app/demo.js";
import { createEmbeddedBroker } from "../../src/app/embedded-broker.js";
import { HallwatchServer, type RunningAddresses } from "../../src/app/server.js";
import { parseConfig } from "../../src/config/config.js";
import { bearerToken } from "../helpers/auth.js";
import { type DeployedMosquitto, startDeployedMosquitto } from "../helpers/deploy-mosquitto.js";
import { requireInCi } from "../helpers/external-servers.js";
import { MOSQUITTO } from "../helpers/mosquitto.js";
import { waitFor } from "../helpers/wait.js";

const SERVICE_SECRET = "external-broker-service-secret";
const ADMIN_PASSWORD = "external-demo-admin-pw";
const DEMO_AGENTS = demoHallLayout("demo-hall").agents.length;

interface HealthBody {
  status: string;
  agentsNotConnecting: { hallId: string; agentId: string; error: string }[];
}

describe.runIf(requireInCi(MOSQUITTO, "mosquitto"))("the demo hall on an external Mosquitto", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "hallwatch-external-demo-"));
  let broker: DeployedMosquitto;
  let server: HallwatchServer | null = null;
  const lines: { level: number; msg: string; [key: string]: unknown }[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });

  const start = async (): Promise<RunningAddresses> => {
    const config = parseConfig({
      dataDir,
      http: { port: 0 },
      mqtt: { brokerUrl: broker.url, password: SERVICE_SECRET },
      demo: { controlPort: 0 },
      auth: { adminPassword: ADMIN_PASSWORD },
    });
    server = new HallwatchServer(config, logger, { createBroker: createEmbeddedBroker, createDemo });
    return await server.start();
  };

  beforeAll(async () => {
    broker = await startDeployedMosquitto({ _aggregator: SERVICE_SECRET });
  });

  afterAll(async () => {
    await server?.stop();
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("defect 26: demo agents the broker does not know are a clear error, and health is not ok", async () => {
    const at = await start();
    const error = await waitFor(
      () => lines.find((l) => l.level >= 50 && /demo/i.test(l.msg) && /not authori[sz]ed/i.test(l.msg)),
      "an error naming the refused demo agents",
      15_000,
    );
    expect(error.msg).toContain("npm run hallwatch -- demo-agents --mosquitto-passwd");
    const health = await waitFor(
      async () => {
        const response = await fetch(`${at.httpUrl}/api/health`);
        const body = (await response.json()) as HealthBody;
        return body.status !== "ok" ? { code: response.status, body } : null;
      },
      "health not ok",
      15_000,
    );
    expect(health.code).toBe(503);
    expect(health.body.status).toBe("degraded");
    expect(health.body.agentsNotConnecting).toHaveLength(DEMO_AGENTS);
    expect(health.body.agentsNotConnecting[0]).toMatchObject({
      hallId: "demo-hall",
      agentId: expect.stringMatching(/^demo-hall-/),
      error: expect.stringMatching(/not authori[sz]ed/i),
    });
    await server?.stop();
    server = null;
  }, 60_000);

  it("defect 26: demo agents provisioned on the broker with the documented command come online, and health is ok", async () => {
    await promisify(execFile)(
      "npx",
      [
        "tsx",
        "src/cli/hallwatch.ts",
        "--data-dir",
        dataDir,
        "demo-agents",
        "--mosquitto-passwd",
        broker.passwordFile,
      ],
      { cwd: join(import.meta.dirname, "../.."), timeout: 60_000 },
    );
    await broker.reload();
    const at = await start();
    const token = await bearerToken(at.httpUrl, "admin", ADMIN_PASSWORD);
    await waitFor(
      async () => {
        const response = await fetch(`${at.httpUrl}/api/devices`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const body = (await response.json()) as { items: { connectivity: string }[] };
        return body.items.length === 26 &&
          body.items.every((d: { connectivity: string }) => d.connectivity === "online")
          ? body
          : null;
      },
      "26 demo devices online",
      30_000,
    );
    const health = await fetch(`${at.httpUrl}/api/health`);
    const body = (await health.json()) as HealthBody;
    expect({
      code: health.status,
      status: body.status,
      agentsNotConnecting: body.agentsNotConnecting,
    }).toEqual({
      code: 200,
      status: "ok",
      agentsNotConnecting: [],
    });
  }, 120_000);
});
