import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { ContactStore } from "../../../src/notify/people/contact-store.js";
import { contactsInputSchema } from "../../../src/notify/people/contacts.js";
import { describeEachEngine } from "../../helpers/engines.js";

const sub = (path: string, label?: string) => ({
  endpoint: `https://push.example/${path}`,
  keys: {
    p256dh: Buffer.concat([Buffer.from([4]), randomBytes(64)]).toString("base64url"),
    auth: randomBytes(16).toString("base64url"),
  },
  ...(label ? { label } : {}),
});
const T0 = Date.parse("2026-12-01T08:00:00Z");

describeEachEngine("the contact store", (fresh) => {
  it("answers empty contacts and no contact book entry for a person never set up", async () => {
    const store = new ContactStore(await fresh(), () => T0);
    expect(await store.get("nobody")).toEqual({
      username: "nobody",
      email: null,
      mobile: null,
      wecomUserId: null,
      dingtalkUserId: null,
      media: [],
      quietHours: null,
      zone: "Asia/Shanghai",
      pushSubscriptions: [],
    });
    expect(await store.contactsOf("nobody")).toBeNull();
    expect(await store.address("nobody", "email")).toBeNull();
    expect(await store.subscriptions("nobody")).toEqual([]);
    expect(await store.record("nobody")).toMatchObject({ hasContactRow: false, subscriptions: [] });
    expect(await store.records()).toEqual([]);
  });

  it("saves and replaces contact points; an empty string clears an address", async () => {
    const store = new ContactStore(await fresh(), () => T0);
    const saved = await store.put(
      "duty",
      contactsInputSchema.parse({
        email: "duty@hall.example",
        mobile: "+8613800138000",
        wecomUserId: "ZhangSan",
        dingtalkUserId: "zs01",
        media: ["sms", "email"],
        quietHours: { start: "22:00", end: "07:00" },
        zone: "Europe/Berlin",
      }),
    );
    expect(saved).toMatchObject({
      email: "duty@hall.example",
      mobile: "+8613800138000",
      wecomUserId: "ZhangSan",
      dingtalkUserId: "zs01",
      media: ["sms", "email"],
      quietHours: { start: "22:00", end: "07:00" },
      zone: "Europe/Berlin",
    });
    expect(await store.get("duty")).toEqual(saved);
    expect(await store.address("duty", "sms")).toBe("+8613800138000");
    expect(await store.address("duty", "wecom")).toBe("ZhangSan");
    expect(await store.address("duty", "dingtalk")).toBe("zs01");
    const cleared = await store.put(
      "duty",
      contactsInputSchema.parse({ mobile: "", email: "duty@hall.example" }),
    );
    expect(cleared).toMatchObject({
      mobile: null,
      wecomUserId: null,
      quietHours: null,
      zone: "Asia/Shanghai",
    });
    expect(await store.address("duty", "sms")).toBeNull();
  });

  it("answers the reachable media in the person's order and their quiet hours across midnight", async () => {
    const store = new ContactStore(await fresh(), () => T0);
    await store.put(
      "duty",
      contactsInputSchema.parse({
        mobile: "+8613800138000",
        email: "duty@hall.example",
        media: ["push", "sms", "email"],
        quietHours: { start: "22:00", end: "07:00" },
      }),
    );
    const c = await store.contactsOf("duty");
    expect(c?.media).toEqual(["sms", "email"]); // no push subscription yet
    expect(c?.inQuietHours(Date.parse("2026-12-01T17:00:00Z"))).toBe(true); // 01:00 in Shanghai
    expect(c?.inQuietHours(Date.parse("2026-12-01T03:00:00Z"))).toBe(false); // 11:00
    await store.addSubscription("duty", sub("a"));
    expect((await store.contactsOf("duty"))?.media).toEqual(["push", "sms", "email"]);
  });

  it("keeps one subscription per endpoint: a renewed one replaces keys and owner under the same id", async () => {
    let now = T0;
    const store = new ContactStore(await fresh(), () => now);
    const first = sub("a", "phone");
    const added = await store.addSubscription("duty", first);
    expect(added).toEqual({ id: expect.any(String), host: "push.example" });
    now += 1000;
    const second = await store.addSubscription("duty", sub("b"));
    const renewed = sub("a", "new phone");
    now += 1000;
    expect(await store.addSubscription("floor", renewed)).toEqual(added);
    expect(await store.subscriptions("duty")).toEqual([
      { id: second.id, username: "duty", endpoint: "https://push.example/b", keys: expect.any(Object) },
    ]);
    expect(await store.subscriptions("floor")).toEqual([
      { id: added.id, username: "floor", endpoint: renewed.endpoint, keys: renewed.keys },
    ]);
    // The contact view shows the host and label only, oldest first.
    expect((await store.get("floor")).pushSubscriptions).toEqual([
      { id: added.id, host: "push.example", label: "new phone", createdMs: T0 },
    ]);
    // A person with only a subscription is in the contact book, reachable by push.
    expect((await store.contactsOf("floor"))?.media).toEqual([]);
    expect(await store.record("floor")).toMatchObject({
      hasContactRow: false,
      subscriptions: [expect.anything()],
    });
  });

  it("lists subscriptions oldest first and removes them by owner and id, or by endpoint", async () => {
    let now = T0;
    const store = new ContactStore(await fresh(), () => now);
    const a = await store.addSubscription("duty", sub("a"));
    now += 1;
    const b = await store.addSubscription("duty", sub("b"));
    expect((await store.subscriptions("duty")).map((s) => s.id)).toEqual([a.id, b.id]);
    expect(await store.removeSubscription("floor", a.id)).toBe(false); // not theirs
    expect(await store.removeSubscription("duty", a.id)).toBe(true);
    expect(await store.removeSubscription("duty", a.id)).toBe(false);
    expect(await store.removeEndpoint("https://push.example/b")).toBe(true);
    expect(await store.removeEndpoint("https://push.example/b")).toBe(false);
    expect(await store.subscriptions("duty")).toEqual([]);
    expect(await store.contactsOf("duty")).toBeNull();
  });

  it("loads every person's record at once, for the in-memory contact view", async () => {
    const store = new ContactStore(await fresh(), () => T0);
    await store.put("b-person", contactsInputSchema.parse({ email: "b@hall.example", media: ["email"] }));
    await store.addSubscription("a-person", sub("a"));
    await store.addSubscription("b-person", sub("b"));
    const records = await store.records();
    expect(records.map((r) => [r.contacts.username, r.subscriptions.length, r.hasContactRow])).toEqual([
      ["a-person", 1, false],
      ["b-person", 1, true],
    ]);
    expect(records[1]?.contacts.email).toBe("b@hall.example");
    expect(records).toEqual([await store.record("a-person"), await store.record("b-person")]);
  });
});
