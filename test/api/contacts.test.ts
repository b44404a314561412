import { createECDH, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DemoServer } from "../inspections/demo-server.js";

const browserSubscription = (endpoint: string) => {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return {
    endpoint,
    keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") },
  };
};
/** Body validation names paths "/media/1"; compared here as "media.1". */
const paths = (body: any): string[] =>
  (body.error?.details ?? []).map((d: any) => String(d.path).replace(/^\//, "").replaceAll("/", "."));

describe("personal contact points over the API", () => {
  const demo = new DemoServer();
  beforeAll(async () => {
    await demo.start();
  });
  afterAll(async () => {
    await demo.stop();
  });

  it("a user edits their own contacts; bad values are refused with every bad path; the change is audited", async () => {
    const empty = await demo.json("duty", "GET", "/api/me/contacts");
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ username: "duty", mobile: null, media: [], zone: "Asia/Shanghai" });

    const bad = await demo.json("duty", "PUT", "/api/me/contacts", {
      email: "not-an-address",
      mobile: "13800138000",
      wecomUserId: "has space",
      media: ["sms", "fax"],
      quietHours: { start: "23:00", end: "7:00" },
      zone: "Mars/Olympus",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("bad_request");
    expect(paths(bad.body)).toEqual(
      expect.arrayContaining(["email", "mobile", "wecomUserId", "media.1", "quietHours.end", "zone"]),
    );
    const noAddress = await demo.json("duty", "PUT", "/api/me/contacts", { media: ["sms"] });
    expect(noAddress.status).toBe(400);
    expect(paths(noAddress.body)).toEqual(["media.0"]);

    const saved = await demo.json("duty", "PUT", "/api/me/contacts", {
      email: "duty@hall.example",
      mobile: "+8613800138000",
      dingtalkUserId: "manager4521",
      media: ["dingtalk", "sms", "email"],
      quietHours: { start: "22:30", end: "06:30" },
      zone: "Asia/Shanghai",
    });
    expect(saved.status).toBe(200);
    const again = await demo.json("duty", "GET", "/api/me/contacts");
    expect(again.body).toMatchObject({
      mobile: "+8613800138000",
      media: ["dingtalk", "sms", "email"],
      quietHours: { start: "22:30", end: "06:30" },
    });
    const audit = await demo.json("admin", "GET", "/api/audit?limit=50");
    const entry = audit.body.items.find((e: any) => e.action === "contacts_changed" && e.target === "duty");
    expect(entry?.actor).toBe("duty");
  });

  it("only admins read or edit someone else's contacts (403 for others, 404 for an unknown user)", async () => {
    expect((await demo.call("floor", "GET", "/api/users/duty/contacts")).status).toBe(403);
    expect(
      (await demo.call("duty", "PUT", "/api/users/floor/contacts", { mobile: "+8613800000001" })).status,
    ).toBe(403);
    const edited = await demo.json("admin", "PUT", "/api/users/floor/contacts", {
      wecomUserId: "LiSi",
      media: ["wecom"],
    });
    expect(edited.status).toBe(200);
    expect((await demo.json("floor", "GET", "/api/me/contacts")).body).toMatchObject({
      wecomUserId: "LiSi",
      media: ["wecom"],
    });
    expect((await demo.json("admin", "GET", "/api/users/floor/contacts")).body.wecomUserId).toBe("LiSi");
    expect((await demo.call("admin", "GET", "/api/users/nobody/contacts")).status).toBe(404);
    const audit = await demo.json("admin", "GET", "/api/audit?limit=50");
    expect(
      audit.body.items.some(
        (e: any) => e.action === "contacts_changed" && e.target === "floor" && e.actor === "admin",
      ),
    ).toBe(true);
  });

  it("push subscriptions: https endpoints with valid keys only, listed by host, removed only by their owner", async () => {
    const key = await demo.json("duty", "GET", "/api/push/vapid-public-key");
    expect(key.status).toBe(200);
    expect(Buffer.from(key.body.publicKey, "base64url")).toHaveLength(65);
    expect((await fetch(`${demo.at.httpUrl}/api/push/vapid-public-key`)).status).toBe(401);

    const plain = await demo.json(
      "duty",
      "POST",
      "/api/me/push-subscriptions",
      browserSubscription("http://push.example/abc"),
    );
    expect(plain.status).toBe(400);
    expect(paths(plain.body)).toEqual(["endpoint"]);
    const badKeys = await demo.json("duty", "POST", "/api/me/push-subscriptions", {
      endpoint: "https://push.example/abc",
      keys: { p256dh: "short", auth: "x" },
    });
    expect(paths(badKeys.body)).toEqual(expect.arrayContaining(["keys.p256dh", "keys.auth"]));

    const added = await demo.json("duty", "POST", "/api/me/push-subscriptions", {
      ...browserSubscription("https://fcm.googleapis.com/fcm/send/secret-part"),
      label: "phone",
    });
    expect(added.status).toBe(200);
    const mine = (await demo.json("duty", "GET", "/api/me/contacts")).body.pushSubscriptions;
    expect(mine).toEqual([
      expect.objectContaining({ id: added.body.id, host: "fcm.googleapis.com", label: "phone" }),
    ]);
    expect(JSON.stringify(mine)).not.toContain("secret-part");
    expect((await demo.call("floor", "DELETE", `/api/me/push-subscriptions/${added.body.id}`)).status).toBe(
      404,
    );
    expect((await demo.call("duty", "DELETE", `/api/me/push-subscriptions/${added.body.id}`)).status).toBe(
      200,
    );
    expect((await demo.json("duty", "GET", "/api/me/contacts")).body.pushSubscriptions).toEqual([]);
  });

  it("provider channels keep their secrets masked and cannot be named by a group routing rule", async () => {
    const created = await demo.json("admin", "POST", "/api/notify/channels", {
      name: "sms",
      config: {
        type: "tencent_sms",
        secretId: "AKID1",
        secretKey: "tencent-key-secret",
        sdkAppId: "1400000001",
        signName: "营业厅",
        templateId: "12345",
      },
    });
    expect(created.status).toBe(200);
    expect(created.body.config).toMatchObject({ secretKey: "••••••", endpoint: "sms.tencentcloudapi.com" });
    const rule = await demo.json("admin", "POST", "/api/notify/rules", {
      name: "to sms",
      roles: ["duty_manager"],
      channelIds: [created.body.id],
    });
    expect(rule.status).toBe(400);
    expect(rule.body.error.message).toContain("only to people");
  });
});
