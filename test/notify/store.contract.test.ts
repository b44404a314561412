import { expect, it } from "vitest";
import { SECRET_MASK } from "../../src/notify/channels.js";
import { NotifyStore } from "../../src/notify/store.js";
import { SecretBox, SecretKeyError } from "../../src/security/secret-key.js";
import { describeEachEngine } from "../helpers/engines.js";

const webhook = (name: string, secret = "hook-secret-0001-long") => ({
  name,
  language: "en",
  config: { type: "webhook", url: "https://example.org/hook", secret },
});

describeEachEngine("the notification store: channels and rules", (fresh) => {
  it("adds, lists masked, reads with secrets, edits keeping masked secrets, enables and removes channels", async () => {
    const s = new NotifyStore(await fresh());
    const ding = await s.addChannel({
      name: "ding",
      config: {
        type: "dingtalk",
        url: "https://oapi.dingtalk.com/robot/send?access_token=abc123",
        secret: "SECxyz",
      },
    });
    await s.addChannel(webhook("alpha"));
    expect((await s.channels()).map((c) => c.name)).toEqual(["alpha", "ding"]);
    const listed = (await s.list()).find((c) => c.id === ding.id);
    expect(listed?.config).toMatchObject({ secret: SECRET_MASK });
    expect(JSON.stringify(await s.list())).not.toContain("SECxyz");
    expect((await s.channel(ding.id))?.config).toMatchObject({ secret: "SECxyz" });
    const edited = await s.updateChannel(ding.id, { ...listed, name: "ding renamed", enabled: false });
    expect(edited).toMatchObject({ name: "ding renamed", enabled: false });
    expect(await s.channel(ding.id)).toMatchObject({
      name: "ding renamed",
      enabled: false,
      config: { secret: "SECxyz", url: "https://oapi.dingtalk.com/robot/send?access_token=abc123" },
    });
    expect(await s.setChannelEnabled(ding.id, true)).toBe(true);
    expect((await s.channel(ding.id))?.enabled).toBe(true);
    expect(await s.updateChannel("missing", webhook("x", "hook-secret-long-enough"))).toBeNull();
    expect(await s.setChannelEnabled("missing", true)).toBe(false);
    expect(await s.channel("missing")).toBeNull();
    expect(await s.removeChannel(ding.id)).toBe(true);
    expect(await s.removeChannel(ding.id)).toBe(false);
    expect((await s.channels()).map((c) => c.name)).toEqual(["alpha"]);
  });

  it("keeps rules in the order they were added, with severities filled from their roles", async () => {
    const s = new NotifyStore(await fresh());
    const names = ["zeta", "alpha", "mid", "beta"];
    for (const name of names) await s.addRule({ name, roles: ["duty_manager"], channelIds: ["c"] });
    const critical = await s.addRule({
      name: "crit",
      roles: ["duty_manager"],
      minSeverity: "critical",
      channelIds: ["c"],
    });
    expect(critical.minSeverity).toBe("critical");
    expect((await s.rules()).map((r) => r.name)).toEqual([...names, "crit"]);
    expect((await s.rules())[0]?.minSeverity).toBe("operational");
    expect(await s.removeRule(critical.id)).toBe(true);
    expect(await s.removeRule(critical.id)).toBe(false);
    expect(await s.rules()).toHaveLength(4);
  });

  it("seals channel settings at rest with a key, seals plain ones left by older versions, and refuses another key", async () => {
    const sql = await fresh();
    const plain = new NotifyStore(sql);
    const old = await plain.addChannel(webhook("old", "older-secret-0001"));
    expect(await NotifyStore.hasSealedChannels(sql)).toBe(false);
    const box = new SecretBox(Buffer.alloc(32, 1));
    const sealed = new NotifyStore(sql, box);
    expect(await sealed.sealPlainChannels()).toBe(1);
    expect(await sealed.sealPlainChannels()).toBe(0);
    const added = await sealed.addChannel(webhook("new", "newer-secret-0002"));
    const stored = await sql.all<{ config_json: string }>("SELECT config_json FROM notify_channels");
    expect(stored).toHaveLength(2);
    for (const row of stored) {
      expect(SecretBox.isSealed(row.config_json)).toBe(true);
      expect(row.config_json).not.toMatch(/secret-000/);
    }
    expect(await NotifyStore.hasSealedChannels(sql)).toBe(true);
    expect((await sealed.channel(old.id))?.config).toMatchObject({ secret: "older-secret-0001" });
    expect((await sealed.channel(added.id))?.config).toMatchObject({ secret: "newer-secret-0002" });
    await expect(plain.channels()).rejects.toBeInstanceOf(SecretKeyError);
    const wrong = new NotifyStore(sql, new SecretBox(Buffer.alloc(32, 2)));
    await expect(wrong.sealPlainChannels()).rejects.toBeInstanceOf(SecretKeyError);
  });
});
