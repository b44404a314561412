import { describe, expect, it } from "vitest";
import { autoResolve, type Transition } from "../../src/core/alerts/alert.js";
import { neutralizeMarkdown } from "../../src/notify/markdown.js";
import { renderMessage, testMessage } from "../../src/notify/message.js";
import { asChange, opened } from "./fixtures.js";

describe("message templates", () => {
  it("renders Chinese: title with severity, action, hall and device; value, status and a link", () => {
    const m = renderMessage(asChange(opened("a-1")), "zh", "https://hw.example.org/");
    expect(m.title).toBe("[严重] 告警 · 充电桩温度过高，有火灾风险 · h / charger-1");
    expect(m.text).toContain("数值: 61");
    expect(m.text).toContain("状态: 未处理");
    expect(m.text).toContain("https://hw.example.org/#/device/h/charger-1");
    expect(m.markdown).toContain("[打开控制台](https://hw.example.org/#/device/h/charger-1)");
    expect(m.payload).toMatchObject({ action: "opened", alert: { id: "a-1" } });
  });

  it("renders English, the resolution and the affected devices of a dependency alert", () => {
    const agent = opened("a-2", {
      key: "h/agent/gw",
      deviceId: null,
      agentId: "h-gw",
      faultType: "agent_offline",
      summary: { en: "Agent offline: its devices are unreachable", zh: "采集代理离线，所托管设备无法访问" },
      observed: null,
      affected: ["kiosk-1", "kiosk-2", "tv-1"],
    });
    const m = renderMessage(asChange(autoResolve(agent.alert, 9000) as Transition), "en", null);
    expect(m.title).toBe("[CRITICAL] Resolved · Agent offline: its devices are unreachable · h / h-gw");
    expect(m.text).toContain("Affected devices: kiosk-1, kiosk-2, tv-1");
    expect(m.text).toContain("Status: resolved");
    expect(m.text).toContain("Resolved by: auto: condition cleared");
    expect(m.text).not.toContain("Value:");
    expect(m.text).not.toContain("http");
  });

  it("shows a device called <script> as text in the robots' markdown", () => {
    const evil = opened("a-3", {
      deviceId: "<script>alert(1)</script>",
      affected: ["<script>alert(1)</script>", "**x**"],
    });
    for (const language of ["zh", "en"] as const) {
      const m = renderMessage(asChange(evil), language, null);
      expect(m.markdown).not.toMatch(/<script>|<\/script>/);
      expect(m.markdown).toContain("＜script＞alert(1)＜/script＞");
      expect(m.markdown).toContain("＊＊x＊＊");
      // plain text (e-mail) keeps the name as it is
      expect(m.text).toContain("<script>alert(1)</script>");
    }
  });

  it("neutralizes every character the robots' markdown treats specially, and leaves names readable", () => {
    expect(neutralizeMarkdown("<@all> [a](http://x) `c` # ~~s~~ | _i_")).toBe(
      "＜@all＞ ［a］(http://x) ｀c｀ ＃ ～～s～～ ｜ ＿i＿",
    );
    expect(neutralizeMarkdown("kiosk_1 north-1.5")).toBe("kiosk_1 north-1.5");
  });

  it("has a test message in both languages", () => {
    expect(testMessage("zh", "值班群").text).toContain("通道「值班群」配置正确");
    expect(testMessage("en", "ops").title).toBe("Hallwatch test message");
  });
});
