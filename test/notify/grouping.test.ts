import { describe, expect, it } from "vitest";
import { raise } from "../../src/core/alerts/alert.js";
import { type HallLabel, renderGroupMessage } from "../../src/notify/grouping.js";
import { overheat } from "./fixtures.js";

const REGIONS: Record<string, HallLabel> = {
  "xc-1": { name: "西单营业厅", region: "西城区" },
  "xc-2": { name: "金融街营业厅", region: "西城区" },
  "dc-1": { name: "王府井营业厅", region: "东城区" },
  "nr-1": { name: "No region hall", region: null },
};
const halls = (id: string) => REGIONS[id] ?? null;
const gateway = (hallId: string, i = 0) =>
  raise(
    null,
    overheat({
      key: `${hallId}/gateway_down`,
      hallId,
      deviceId: "gw",
      kind: "gateway",
      faultType: "gateway_down",
      severity: i === 0 ? "major" : "critical",
      summary: { en: "Gateway down", zh: "网关离线" },
    }),
    1000,
    60_000,
    `a-${hallId}-${i}`,
  ).alert;

describe("grouped notice text", () => {
  it("names the count and the one region in the title: '2 halls in 西城区: Gateway down'", () => {
    const alerts = [gateway("xc-1"), gateway("xc-2", 1)];
    const en = renderGroupMessage(alerts, "opened", "en", halls, null);
    expect(en.title).toBe("[CRITICAL] Alert · 2 halls in 西城区: Gateway down");
    expect(en.text).toContain("Halls: 西单营业厅, 金融街营业厅");
    const zh = renderGroupMessage(alerts, "resolved", "zh", halls, "https://hw.example.org/");
    expect(zh.title).toBe("[严重] 已恢复 · 西城区 2 个营业厅：网关离线");
    expect(zh.markdown).toContain("[打开控制台](https://hw.example.org/#/board)");
    expect(zh.payload).toMatchObject({ action: "resolved", group: { size: 2, halls: 2 } });
  });

  it("counts per region, and per fault when they differ", () => {
    const other = {
      ...gateway("dc-1"),
      id: "x",
      faultType: "uplink_down",
      summary: { en: "Uplink down", zh: "上行中断" },
    };
    const en = renderGroupMessage(
      [gateway("xc-1"), gateway("xc-2"), other, gateway("nr-1")],
      "opened",
      "en",
      halls,
      null,
    );
    expect(en.title).toBe("[MAJOR] Alert · 4 halls: 4 alerts");
    expect(en.text).toContain("2 halls in 西城区");
    expect(en.text).toContain("1 hall in 东城区");
    expect(en.text).toContain("1 hall without a region");
    expect(en.text).toContain("Faults: Gateway down 3, Uplink down 1");
  });

  it("lists at most 20 halls by name and says how many more", () => {
    const many = Array.from({ length: 25 }, (_, i) => gateway(`h-${i}`));
    const zh = renderGroupMessage(many, "opened", "zh", () => ({ name: "厅", region: "朝阳区" }), null);
    expect(zh.text).toContain("等 5 个");
    expect(zh.title).toContain("朝阳区 25 个营业厅");
  });
});
