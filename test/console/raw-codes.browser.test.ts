import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../helpers/chromium.js";
import { requireInCi } from "../helpers/external-servers.js";
import { waitFor } from "../helpers/wait.js";
import { ConsoleStack, DESKTOP, ROLE_USERS } from "./console-stack.js";
import { rawCodeProblems, visitEach } from "./page-checks.js";
import { ROLES } from "./pages.js";
import { DEMO_SERVICES, DEMO_ZONES, SERVER_CODES, SERVER_MESSAGES } from "./server-codes.js";

const available = requireInCi(CHROMIUM, "chromium");

/** What must never be read on a zh page: the server's codes as whole words. */
const CODES = [
  ...SERVER_CODES.kind,
  ...SERVER_CODES.role,
  ...SERVER_CODES.weekday,
  ...SERVER_CODES.severity,
  ...SERVER_CODES.asset,
  ...SERVER_CODES.fault,
  ...SERVER_CODES.field,
  ...SERVER_CODES.value,
  ...SERVER_CODES.connectivity,
  ...SERVER_CODES.error,
  ...DEMO_ZONES,
  ...DEMO_SERVICES,
  "open",
  "acknowledged",
  "resolved",
];

describe.skipIf(!available)("no raw code on any console page", () => {
  const stack = new ConsoleStack();
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  it("shows no server code or English server text on any page, as each role, in zh, with faults open", async () => {
    // Alerts of several kinds, so the board, device and hall pages show faults, kinds and values.
    stack.simulator.inject("demo-hall", "kiosk-1", "paper_jam");
    stack.simulator.inject("demo-hall", "queue-1", "congestion");
    stack.simulator.inject("demo-hall", "charger-1", "overheat");
    // The demo hall's 26 devices (agents/simulator/layout.ts), once every agent has announced its own.
    const devices = await waitFor(
      async () => {
        const list = await stack.api<{ items: { hallId: string; deviceId: string; agentId: string }[] }>(
          "admin",
          "GET",
          "/api/devices",
        );
        return list.body.items.length >= 26 ? list : null;
      },
      "the demo hall's devices",
      30_000,
      500,
    );
    // Ids may be shown where nothing has a name; they are not codes.
    const ids = [
      ...devices.body.items.flatMap((device) => [device.deviceId, device.agentId, device.hallId]),
      ...Object.values(ROLE_USERS).map((user) => user.username),
    ];
    const problems = await visitEach(
      stack,
      { roles: ROLES, langs: ["zh"], viewport: DESKTOP },
      async ({ page }) => rawCodeProblems(page, CODES, SERVER_MESSAGES, ids),
    );
    expect(problems).toEqual([]);
  }, 900_000);
});
