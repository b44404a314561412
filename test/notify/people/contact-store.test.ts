import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ContactStore } from "../../../src/notify/people/contact-store.js";
import { contactsInputSchema } from "../../../src/notify/people/contacts.js";
import { ensureVapidKeys, hasSealedVapidKey } from "../../../src/notify/people/vapid.js";
import { SecretBox } from "../../../src/security/secret-key.js";
import { openDatabase } from "../../../src/store/database.js";

const sub = (path: string) => ({
  endpoint: `https://push.example/${path}`,
  keys: {
    p256dh: Buffer.concat([Buffer.from([4]), randomBytes(64)]).toString("base64url"),
    auth: randomBytes(16).toString("base64url"),
  },
});

describe("the contact book", () => {
  it("answers the media a person can be reached on, in their order, and their quiet hours across midnight", () => {
    const store = new ContactStore(openDatabase(":memory:"));
    expect(store.contactsOf("duty")).toBeNull();
    store.put(
      "duty",
      contactsInputSchema.parse({
        mobile: "+8613800138000",
        email: "duty@hall.example",
        media: ["push", "sms", "email"],
        quietHours: { start: "22:00", end: "07:00" },
      }),
    );
    const c = store.contactsOf("duty")!;
    expect(c.media).toEqual(["sms", "email"]); // no push subscription yet
    expect(c.inQuietHours(Date.parse("2026-12-01T17:00:00Z"))).toBe(true); // 01:00 in Shanghai
    expect(c.inQuietHours(Date.parse("2026-12-01T03:00:00Z"))).toBe(false); // 11:00
    store.addSubscription("duty", sub("a"));
    expect(store.contactsOf("duty")!.media).toEqual(["push", "sms", "email"]);
    // The same browser subscribing again (a renewed subscription) is one subscription.
    store.addSubscription("duty", sub("a"));
    expect(store.subscriptions("duty")).toHaveLength(1);
    expect(store.removeEndpoint("https://push.example/a")).toBe(true);
    expect(store.contactsOf("duty")!.media).toEqual(["sms", "email"]);
  });

  it("clears an address given as an empty string", () => {
    const store = new ContactStore(openDatabase(":memory:"));
    store.put("duty", contactsInputSchema.parse({ mobile: "+8613800138000" }));
    store.put("duty", contactsInputSchema.parse({ mobile: "" }));
    expect(store.get("duty").mobile).toBeNull();
  });
});

describe("the VAPID key pair", () => {
  it("is made once, its private key sealed at rest and opened with the same key", () => {
    const db = openDatabase(":memory:");
    const box = new SecretBox(randomBytes(32));
    const first = ensureVapidKeys(db, box);
    expect(Buffer.from(first.publicKey, "base64url")).toHaveLength(65);
    const row = db.prepare("SELECT private_key FROM vapid_keys").get() as { private_key: string };
    expect(row.private_key).not.toContain(first.privateKey);
    expect(hasSealedVapidKey(db)).toBe(true);
    expect(ensureVapidKeys(db, box)).toEqual(first);
    expect(() => ensureVapidKeys(db, new SecretBox(randomBytes(32)))).toThrow();
  });
});
