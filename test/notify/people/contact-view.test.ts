import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { ContactStore } from "../../../src/notify/people/contact-store.js";
import { ContactView } from "../../../src/notify/people/contact-view.js";
import { contactsInputSchema } from "../../../src/notify/people/contacts.js";
import { describeEachEngine } from "../../helpers/engines.js";

const sub = (path: string) => ({
  endpoint: `https://push.example/${path}`,
  keys: {
    p256dh: Buffer.concat([Buffer.from([4]), randomBytes(64)]).toString("base64url"),
    auth: randomBytes(16).toString("base64url"),
  },
});

describeEachEngine("the in-memory contact view", (fresh) => {
  it("loads what is stored, and answers at once (synchronously) after each write made through it", async () => {
    const sql = await fresh();
    const store = new ContactStore(sql);
    await store.put("duty", contactsInputSchema.parse({ email: "duty@hall.example", media: ["email"] }));
    const view = await ContactView.open(store);
    expect(view.contactsOf("duty")?.media).toEqual(["email"]);
    expect(view.address("duty", "email")).toBe("duty@hall.example");
    expect(view.contactsOf("nobody")).toBeNull();

    await view.put("duty", contactsInputSchema.parse({ mobile: "+8613800138000", media: ["push", "sms"] }));
    expect(view.contactsOf("duty")?.media).toEqual(["sms"]);
    expect(view.address("duty", "email")).toBeNull();
    const added = await view.addSubscription("duty", sub("a"));
    expect(view.contactsOf("duty")?.media).toEqual(["push", "sms"]);
    expect(view.subscriptions("duty").map((s) => s.id)).toEqual([added.id]);
    expect(await view.removeSubscription("duty", added.id)).toBe(true);
    expect(view.subscriptions("duty")).toEqual([]);
    expect(await view.get("duty")).toEqual(await store.get("duty"));
  });

  it("moves a renewed endpoint to its new owner, and forgets a gone one at once and in the store behind", async () => {
    const sql = await fresh();
    const view = await ContactView.open(new ContactStore(sql));
    const renewed = sub("a");
    await view.addSubscription("duty", renewed);
    await view.addSubscription("floor", renewed);
    expect(view.subscriptions("duty")).toEqual([]);
    expect(view.contactsOf("duty")).toBeNull();
    expect(view.subscriptions("floor")).toHaveLength(1);
    view.forget(renewed.endpoint);
    expect(view.subscriptions("floor")).toEqual([]);
    expect(view.contactsOf("floor")).toBeNull();
    await expect.poll(async () => (await new ContactStore(sql).subscriptions("floor")).length).toBe(0);
  });

  it("sees a change made on another node once it reloads", async () => {
    const sql = await fresh();
    const here = await ContactView.open(new ContactStore(sql));
    const there = await ContactView.open(new ContactStore(sql));
    await there.put("duty", contactsInputSchema.parse({ email: "duty@hall.example", media: ["email"] }));
    expect(here.contactsOf("duty")).toBeNull(); // not yet
    await here.refresh();
    expect(here.contactsOf("duty")?.media).toEqual(["email"]);
  });

  it("reports a failed reload and keeps what it had", async () => {
    const sql = await fresh();
    const store = new ContactStore(sql);
    await store.put("duty", contactsInputSchema.parse({ email: "duty@hall.example", media: ["email"] }));
    const errors: unknown[] = [];
    const view = await ContactView.open(store, (err) => errors.push(err));
    store.records = () => Promise.reject(new Error("database gone"));
    view.start(10);
    await expect.poll(() => errors.length).toBeGreaterThan(0);
    view.stop();
    expect(view.contactsOf("duty")?.media).toEqual(["email"]);
  });
});
