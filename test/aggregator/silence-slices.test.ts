import { describe, expect, it } from "vitest";
import { PresenceTracker } from "../../src/core/presence/tracker.js";
import { kioskBirth as birth } from "../helpers/kiosk-birth.js";

describe("PresenceTracker.checkSilence in slices", () => {
  it("checks at most the given number of devices per call, going on where it stopped, until every device is seen", () => {
    const t = new PresenceTracker(0);
    t.onBrokerConnected(0);
    const ids = Array.from({ length: 10 }, (_, i) => `k${i}`);
    t.onBirth("h", "a1", birth(ids), false, 0);
    const silentAt = 31_000;
    const offline = (effects: readonly { type: string }[]) =>
      effects.filter((e) => e.type === "device_connectivity").length;
    expect(offline(t.checkSilence(silentAt, 4))).toBe(4);
    expect(offline(t.checkSilence(silentAt, 4))).toBe(4);
    expect(offline(t.checkSilence(silentAt, 4))).toBe(2); // the end of the pass
    expect(ids.every((id) => t.device("h", id)?.connectivity === "offline")).toBe(true);
    // A device added mid-pass is still checked: the next pass starts over.
    t.onBirth("h", "a1", birth([...ids, "late"]), false, 40_000);
    expect(t.device("h", "late")?.connectivity).toBe("online");
    let found = 0;
    for (let i = 0; i < 4; i++) found += offline(t.checkSilence(100_000, 4));
    expect(t.device("h", "late")?.connectivity).toBe("offline");
    expect(found).toBe(11);
  });
});
