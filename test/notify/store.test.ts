import { describe, expect, it } from "vitest";
import { ChannelConfigError, SECRET_MASK } from "../../src/notify/channels.js";
import { NotifyStore } from "../../src/notify/store.js";
import { openDatabase } from "../../src/store/database.js";
import { SqliteEngine } from "../../src/store/sql/sqlite-engine.js";

const store = () => new NotifyStore(new SqliteEngine(openDatabase(":memory:")));

describe("notification store", () => {
  it("refuses a bad channel listing every bad path", async () => {
    const err = (await (async () => {
      try {
        await store().addChannel({
          name: "",
          config: {
            type: "email",
            host: "",
            port: 0,
            from: "x",
            to: ["ok@example.org", "not-an-address"],
            password: "p",
          },
        });
      } catch (e) {
        return e;
      }
    })()) as ChannelConfigError;
    expect(err).toBeInstanceOf(ChannelConfigError);
    expect(err.issues.map((i) => i.path).sort()).toEqual(
      ["config.from", "config.host", "config.port", "config.to.1", "config.user", "name"].sort(),
    );
  });

  it("keeps secrets to sign with but never lists them; an edit sending the masked values back keeps them", async () => {
    const s = store();
    const ding = await s.addChannel({
      name: "ding",
      config: {
        type: "dingtalk",
        url: "https://oapi.dingtalk.com/robot/send?access_token=abc123",
        secret: "SECxyz",
      },
    });
    const feishu = await s.addChannel({
      name: "feishu",
      config: { type: "feishu", url: "https://open.feishu.cn/open-apis/bot/v2/hook/0f1e2d3c-hook-id" },
    });
    const shown = JSON.stringify(await s.list());
    for (const secret of ["abc123", "SECxyz", "0f1e2d3c-hook-id"]) expect(shown).not.toContain(secret);
    const listedDing = (await s.list()).find((c) => c.id === ding.id)!;
    expect(listedDing.config).toMatchObject({
      secret: SECRET_MASK,
      url: `https://oapi.dingtalk.com/robot/send?access_token=${SECRET_MASK}`,
    });
    expect((await s.list()).find((c) => c.id === feishu.id)?.config).toMatchObject({
      url: `https://open.feishu.cn/open-apis/bot/v2/hook/0f1e${SECRET_MASK}`,
    });
    expect((await s.channel(ding.id))?.config).toMatchObject({ secret: "SECxyz" });
    const edited = await s.updateChannel(ding.id, { ...listedDing, name: "ding renamed", enabled: false });
    expect(edited).toMatchObject({ name: "ding renamed", enabled: false });
    expect((await s.channel(ding.id))?.config).toEqual({
      type: "dingtalk",
      url: "https://oapi.dingtalk.com/robot/send?access_token=abc123",
      secret: "SECxyz",
    });
    expect(await s.setChannelEnabled(ding.id, true)).toBe(true);
    expect((await s.channel(ding.id))?.enabled).toBe(true);
  });

  it("fills a rule's minimum severity from its roles", async () => {
    const s = store();
    expect((await s.addRule({ name: "duty", roles: ["duty_manager"], channelIds: ["c"] })).minSeverity).toBe(
      "operational",
    );
    expect(
      (await s.addRule({ name: "x", roles: ["duty_manager"], minSeverity: "critical", channelIds: ["c"] }))
        .minSeverity,
    ).toBe("critical");
    expect((await s.rules()).map((r) => r.minSeverity)).toEqual(["operational", "critical"]);
  });

  it("pages and filters the delivery log, newest first", async () => {
    const s = store();
    for (let i = 0; i < 7; i += 1)
      await s.log.add({
        atMs: 1000 + i,
        channelId: i % 2 ? "a" : "b",
        alertId: "al",
        action: "opened",
        attempt: 1,
        ok: i !== 3,
        error: i === 3 ? "HTTP 500" : null,
        errorCode: i === 3 ? "http_status" : null,
        httpStatus: i === 3 ? 500 : 200,
        durationMs: 5,
      });
    const page = await s.log.query({ channelId: "a", limit: 2, offset: 1 });
    expect(page.total).toBe(3);
    expect(page.items.map((d) => d.atMs)).toEqual([1003, 1001]);
    expect((await s.log.query({ ok: false })).items).toMatchObject([
      { atMs: 1003, httpStatus: 500, errorCode: "http_status" },
    ]);
    expect((await s.log.query({ fromMs: 1005 })).total).toBe(2);
    expect(await s.deliveries({ limit: 3 })).toHaveLength(3);
  });
});
