import { Agent } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPushService } from "../receivers-personal/web-push.js";
import { failure, notice, personalSetup } from "./personal-setup.js";

let push: Awaited<ReturnType<typeof startPushService>>;
let setup: Awaited<ReturnType<typeof personalSetup>>;
beforeAll(async () => {
  push = await startPushService(() => setup.vapid.publicKey);
  setup = await personalSetup({ pushAgent: new Agent({ ca: push.cert }) });
});
afterAll(async () => {
  await push.close();
});

describe("web push to a person's browsers (VAPID, aes128gcm)", () => {
  it("every browser of the person gets the notice, decrypted by the receiver with the browser's key; the VAPID JWT verifies", async () => {
    await setup.contacts.addSubscription("duty", { ...push.subscribe("phone"), label: "phone" });
    await setup.contacts.addSubscription("duty", push.subscribe("laptop"));
    await setup.person("duty", { media: ["push"] });
    const receipt = await (await setup.sender("duty", "push"))!.send(notice);
    expect(receipt.httpStatus).toBe(201);
    const got = push.received.filter((r) => r.id === "phone" || r.id === "laptop");
    expect(got.map((r) => r.id).sort()).toEqual(["laptop", "phone"]);
    expect(got[0]!.payload).toMatchObject({
      title: notice.title,
      url: "https://hall.example/a/tok123",
    });
    expect(got[0]!.payload.body).toContain("充电桩温度过高");
    expect(got[0]!.urgency).toBe("high");
  });

  it("a 410 from the push service removes that subscription; when none is left it is a failure", async () => {
    await setup.contacts.addSubscription("floor", push.goneSubscription("old-phone"));
    await setup.contacts.addSubscription("floor", push.subscribe("new-phone"));
    await (await setup.sender("floor", "push"))!.send(notice);
    expect(setup.contacts.subscriptions("floor").map((s) => new URL(s.endpoint).pathname)).toEqual([
      "/push/new-phone",
    ]);
    // Gone from the database too, behind the view.
    await expect.poll(async () => (await setup.contactStore.subscriptions("floor")).length).toBe(1);

    await setup.contacts.addSubscription("maint", push.goneSubscription("only"));
    const err = await failure((await setup.sender("maint", "push"))!.send(notice));
    expect(err.code).toBe("http_status");
    expect(err.httpStatus).toBe(410);
    expect(setup.contacts.subscriptions("maint")).toEqual([]);
    expect(await setup.sender("maint", "push")).toBeNull();
  });

  it("a push service that refuses the VAPID signature (another server's key) is a ChannelError", async () => {
    const other = await personalSetup({ pushAgent: new Agent({ ca: push.cert }) });
    await other.contacts.addSubscription("guard", push.subscribe("guard-phone"));
    const err = await failure((await other.sender("guard", "push"))!.send(notice));
    expect(err.code).toBe("http_status");
    expect(err.httpStatus).toBe(403);
    expect(other.contacts.subscriptions("guard")).toHaveLength(1); // refused, not gone: kept
  });
});
