import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DemoServer } from "../inspections/demo-server.js";

describe("editing a notification channel over the API", () => {
  const demo = new DemoServer();
  beforeAll(async () => {
    await demo.start();
  });
  afterAll(async () => {
    await demo.stop();
  });

  it("disables and renames a channel keeping its masked secret, refuses bad edits with every path, audits", async () => {
    const created = await demo.json("admin", "POST", "/api/notify/channels", {
      name: "ding",
      config: {
        type: "dingtalk",
        url: "https://oapi.dingtalk.com/robot/send?access_token=abc123",
        secret: "SECxyz",
      },
    });
    expect(created.status).toBe(200);
    const listed = (await demo.json("admin", "GET", "/api/notify/channels")).body.items.find(
      (c: any) => c.id === created.body.id,
    );
    const edited = await demo.json("admin", "PUT", `/api/notify/channels/${created.body.id}`, {
      ...listed,
      name: "ding off",
      enabled: false,
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: "ding off", enabled: false });
    expect(JSON.stringify(edited.body)).not.toContain("SECxyz");
    const store = demo.server as unknown as {
      notifier: { options: { store: { channel(id: string): Promise<any> } } };
    };
    expect((await store.notifier.options.store.channel(created.body.id)).config.secret).toBe("SECxyz");

    const bad = await demo.json("admin", "PUT", `/api/notify/channels/${created.body.id}`, {
      name: "",
      config: { type: "dingtalk", url: "not a url" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.path)).toEqual(
      expect.arrayContaining(["name", "config.url"]),
    );
    expect(
      (await demo.call("duty", "PUT", `/api/notify/channels/${created.body.id}`, { name: "x" })).status,
    ).toBe(403);
    const audit = await demo.json("admin", "GET", "/api/audit?limit=50");
    expect(audit.body.items.some((e: any) => e.action === "notify_channel_changed")).toBe(true);
  });
});
