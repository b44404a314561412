import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/wait.js";
import { fleetStack } from "./fleet-stack.js";
import { startHttpReceivers } from "./receivers.js";

let http: Awaited<ReturnType<typeof startHttpReceivers>>;
const dir = mkdtempSync(join(tmpdir(), "hallwatch-storm-"));
beforeAll(async () => {
  http = await startHttpReceivers();
});
afterAll(async () => {
  await http.close();
  rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 5, 15, 2, 0, 0); // any instant: only differences matter
const WINDOW_MS = 30_000;
const XICHENG = Array.from({ length: 120 }, (_, i) => `xc-${String(i + 1).padStart(3, "0")}`);
const DONGCHENG = Array.from({ length: 80 }, (_, i) => `dc-${String(i + 1).padStart(3, "0")}`);

function storm() {
  return fleetStack({
    dir,
    receiverBase: http.base,
    startMs: T0,
    groupWindowMs: WINDOW_MS,
    actions: ["opened", "resolved"],
    halls: [
      ...XICHENG.map((id) => ({ id, name: `西城 ${id}`, region: "西城区" })),
      ...DONGCHENG.map((id) => ({ id, name: `东城 ${id}`, region: "东城区" })),
    ],
  });
}

const wecomTexts = () => http.at("/wecom").map((r) => String(r.body.markdown.content));
const dingTexts = () => http.at("/dingtalk").map((r) => `${r.body.markdown.title}\n${r.body.markdown.text}`);

describe("storm grouping", () => {
  it("sends each route one grouped notice when 200 halls' gateways go down within 10 s, and one grouped resolution", {
    timeout: 120_000,
  }, async () => {
    const s = await storm();
    try {
      const all = [...XICHENG, ...DONGCHENG];
      all.forEach((hallId, i) => {
        s.clock.ms = T0 + i * 50; // 200 halls in 10 s
        s.fleet.gatewayDown(hallId);
        s.alerts.tick();
      });
      const open = (await s.alerts.list({ status: "open", limit: 500, offset: 0 })).items;
      expect(open.filter((a) => a.faultType === "gateway_down")).toHaveLength(200);

      // Within the window nothing is sent yet.
      s.clock.ms = T0 + WINDOW_MS - 1;
      await s.dispatcher.deliverDue();
      expect(http.received).toHaveLength(0);

      s.clock.ms = T0 + WINDOW_MS;
      await waitFor(
        () => http.at("/wecom").length >= 1 && http.at("/dingtalk").length >= 1,
        "grouped notices",
        30_000,
      );
      await waitFor(async () => (await s.store.pending()) === 0, "outbox drained", 30_000);
      expect(http.at("/wecom")).toHaveLength(1);
      expect(http.at("/dingtalk")).toHaveLength(1);
      const zh = wecomTexts()[0] ?? "";
      expect(zh).toContain("200 个营业厅");
      expect(zh).toContain("西城区 120 个营业厅");
      expect(zh).toContain("东城区 80 个营业厅");
      expect(zh).toContain("营业厅网关故障");
      const en = dingTexts()[0] ?? "";
      expect(en).toContain("200 halls");
      expect(en).toContain("120 halls in 西城区");
      expect(en).toContain("80 halls in 东城区");
      // Every alert counts as told, so its resolution follows.
      for (const a of open)
        expect((await s.store.outbox.notifiedChannels(a.id)).sort()).toEqual([s.robot.id, s.ding.id].sort());

      // They come back within 10 s: one grouped resolution per route.
      const back = T0 + 10 * 60_000;
      all.forEach((hallId, i) => {
        s.clock.ms = back + i * 50;
        s.fleet.gatewayUp(hallId);
        s.alerts.tick();
      });
      expect((await s.alerts.list({ status: "open", limit: 500, offset: 0 })).items).toHaveLength(0);
      await s.dispatcher.deliverDue(); // queueing is asynchronous: every change queued before the clock moves on
      s.clock.ms = back + WINDOW_MS;
      await waitFor(
        () => http.at("/wecom").length >= 2 && http.at("/dingtalk").length >= 2,
        "grouped resolutions",
        30_000,
      );
      await waitFor(async () => (await s.store.pending()) === 0, "outbox drained", 30_000);
      expect(http.at("/wecom")).toHaveLength(2);
      expect(http.at("/dingtalk")).toHaveLength(2);
      expect(wecomTexts()[1]).toContain("已恢复");
      expect(wecomTexts()[1]).toContain("西城区 120 个营业厅");
      expect(dingTexts()[1]).toContain("Resolved");
      expect(dingTexts()[1]).toContain("200 halls");

      // The delivery log shows each group's size and summary.
      const groups = (await s.dispatcher.deliveries({ channelId: s.robot.id })).items;
      expect(groups.map((d) => [d.action, d.groupSize])).toEqual([
        ["resolved", 200],
        ["opened", 200],
      ]);
      expect(groups[1]?.summary).toContain("200 个营业厅");
    } finally {
      await s.close();
      http.received.length = 0;
    }
  });

  it("sends a single alert in the window as the ordinary message, after the window, and its resolution after it", async () => {
    const s = await storm();
    try {
      s.fleet.gatewayDown("xc-001");
      s.alerts.tick();
      s.clock.ms = T0 + 5_000;
      s.fleet.gatewayUp("xc-001");
      s.alerts.tick();
      await s.dispatcher.deliverDue();
      expect(http.received).toHaveLength(0);
      s.clock.ms = T0 + 5_000 + WINDOW_MS;
      await waitFor(
        async () => http.at("/wecom").length === 2 && (await s.store.pending()) === 0,
        "opening then resolution",
        30_000,
      );
      const [first, second] = wecomTexts();
      expect(first).toContain("告警 · 营业厅网关故障");
      expect(first).not.toContain("个营业厅");
      expect(second).toContain("已恢复");
    } finally {
      await s.close();
      http.received.length = 0;
    }
  });
});
