import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { uptimeRows } from "../../src/reports/uptime-rows.js";
import { waitFor } from "../helpers/wait.js";
import { fleetStack } from "./fleet-stack.js";
import { startHttpReceivers } from "./receivers.js";

let http: Awaited<ReturnType<typeof startHttpReceivers>>;
const dir = mkdtempSync(join(tmpdir(), "hallwatch-silences-"));
let stack: Awaited<ReturnType<typeof fleetStack>> | null = null;
beforeAll(async () => {
  http = await startHttpReceivers();
});
afterEach(async () => {
  await stack?.close();
  stack = null;
  http.received.length = 0;
});
afterAll(async () => {
  await http.close();
  rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 2, 10, 1, 0, 0); // any instant: only differences matter
const MIN = 60_000;
const HALLS = ["xc-001", "xc-002", "xc-003"].map((id) => ({ id, name: `西城 ${id}`, region: "西城区" }));

async function start() {
  stack = await fleetStack({ dir, receiverBase: http.base, startMs: T0, halls: HALLS });
  return stack;
}

/** WeCom robot messages about one hall, in order. */
const toldAbout = (hallId: string) =>
  http
    .at("/wecom")
    .map((r) => String(r.body.markdown.content))
    .filter((text) => text.includes(`/ ${hallId}`) || text.includes(`${hallId} /`));

async function settle(s: Awaited<ReturnType<typeof fleetStack>>) {
  await s.dispatcher.deliverDue();
  await waitFor(async () => (await s.store.pending()) === 0, "outbox drained", 30_000);
}

const silence = (s: Awaited<ReturnType<typeof fleetStack>>, hallId: string, endsMs: number) =>
  s.silences.add(
    {
      matchers: { hallId, faultType: "gateway_down" },
      reason: "carrier works",
      startsMs: s.clock.ms,
      endsMs,
    },
    "duty",
    s.clock.ms,
  );

describe("silences", () => {
  it("do not notify a silenced alert, and record which silence held each notice", async () => {
    const s = await start();
    const quiet = await silence(s, "xc-001", T0 + 60 * MIN);
    s.fleet.gatewayDown("xc-001");
    s.fleet.gatewayDown("xc-002");
    s.at(T0 + 1000);
    await settle(s);
    expect(toldAbout("xc-002")).toHaveLength(1);
    expect(toldAbout("xc-001")).toHaveLength(0);
    const alert = (await s.alerts.list({ hallIds: ["xc-001"], status: "open", limit: 10, offset: 0 }))
      .items[0];
    expect(alert?.faultType).toBe("gateway_down");
    expect(await s.silences.holdsOf(alert?.id ?? "")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ silenceId: quiet.id, action: "opened", target: s.robot.id }),
        expect.objectContaining({ silenceId: quiet.id, action: "opened", target: s.ding.id }),
      ]),
    );
    expect((await s.silences.get(quiet.id))?.held).toBe(2);
    // The alert itself is unchanged: open, not in maintenance.
    expect(alert).toMatchObject({ status: "open", inMaintenance: false });
  });

  it("notify again once the silence has expired: the next change of the alert is sent", async () => {
    const s = await start();
    await silence(s, "xc-001", T0 + 10 * MIN);
    s.fleet.gatewayDown("xc-001");
    s.at(T0 + 1000);
    await settle(s);
    s.at(T0 + 9 * MIN); // still silenced: no escalation or reminder goes out
    await settle(s);
    expect(toldAbout("xc-001")).toHaveLength(0);
    s.at(T0 + 10 * MIN); // expired
    s.fleet.gatewayUp("xc-001");
    s.at(T0 + 10 * MIN + 1000); // resolved: nobody was told of it, so nobody is told it is over
    s.fleet.gatewayDown("xc-001");
    s.at(T0 + 10 * MIN + 2000); // reopened after expiry: told
    await settle(s);
    const told = toldAbout("xc-001");
    expect(told.length).toBeGreaterThanOrEqual(1);
    expect(told.some((t) => t.includes("营业厅网关故障") && !t.includes("已恢复"))).toBe(true);
  });

  it("notify again once a silence is lifted early", async () => {
    const s = await start();
    const quiet = await silence(s, "xc-001", T0 + 24 * 60 * MIN);
    s.fleet.gatewayDown("xc-001");
    s.at(T0 + 1000);
    await settle(s);
    expect(toldAbout("xc-001")).toHaveLength(0);
    expect((await s.silences.lift(quiet.id, "duty", T0 + 2 * MIN))?.endsMs).toBe(T0 + 2 * MIN);
    s.fleet.gatewayUp("xc-001");
    s.at(T0 + 3 * MIN);
    s.fleet.gatewayDown("xc-001");
    s.at(T0 + 3 * MIN + 1000);
    await settle(s);
    expect(toldAbout("xc-001").length).toBeGreaterThanOrEqual(1);
  });

  it("let a resolution go out to the channel told of the opening, though the alert was silenced since", async () => {
    const s = await start();
    s.fleet.gatewayDown("xc-003");
    s.at(T0 + 1000);
    await settle(s);
    expect(toldAbout("xc-003")).toHaveLength(1);
    await silence(s, "xc-003", T0 + 60 * MIN);
    s.at(T0 + 5 * MIN); // escalations and reminders while silenced are held
    await settle(s);
    const before = toldAbout("xc-003").length;
    s.fleet.gatewayUp("xc-003");
    s.at(T0 + 6 * MIN);
    await settle(s);
    const after = toldAbout("xc-003");
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toContain("已恢复");
    expect(http.at("/dingtalk").at(-1)?.body.markdown.title).toContain("Resolved");
  });

  it("never change uptime: a silenced hall's gateway has the same figures as an unsilenced one down at the same times", async () => {
    const s = await start();
    await silence(s, "xc-001", T0 + 60 * MIN);
    s.fleet.gatewayDown("xc-001");
    s.fleet.gatewayDown("xc-002");
    s.at(T0 + 1000);
    s.clock.ms = T0 + 20 * MIN;
    s.fleet.gatewayUp("xc-001");
    s.fleet.gatewayUp("xc-002");
    s.at(T0 + 20 * MIN);
    await settle(s);
    const figures = async (hallId: string) => {
      const device = s.fleet.presence.device(hallId, "gateway");
      if (!device) throw new Error("no gateway");
      const [row] = await uptimeRows(
        { aggregator: s.fleet.aggregator, halls: s.halls, alerts: s.alerts },
        [device],
        T0 - 60 * MIN,
        T0 + 60 * MIN,
        T0 + 60 * MIN,
      );
      const { hallId: _h, name: _n, ...rest } = row ?? ({} as never);
      return rest;
    };
    const silenced = await figures("xc-001");
    expect(silenced.downMs).toBe(20 * MIN);
    expect(silenced.failures).toBe(1);
    expect(silenced).toEqual(await figures("xc-002"));
  });
});
