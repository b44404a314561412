import { describe, expect, it } from "vitest";
import {
  checkSilenceTimes,
  findSilence,
  MAX_SILENCE_MS,
  type Silence,
  silenceMatchersSchema,
  silenceMatches,
} from "../../../src/core/silences/silence.js";

const alert = {
  hallId: "xicheng-1",
  kind: "gateway" as const,
  deviceId: "gw-1",
  faultType: "gateway_down",
  severity: "critical" as const,
  affected: ["gw-1", "kiosk-1"],
};

const silence = (over: Partial<Silence>): Silence => ({
  id: "s",
  matchers: { hallId: "xicheng-1" },
  reason: "carrier works",
  createdBy: "duty",
  createdMs: 0,
  startsMs: 1000,
  endsMs: 2000,
  liftedBy: null,
  liftedMs: null,
  ...over,
});

describe("silence matchers", () => {
  it("match only when every matcher given matches", () => {
    expect(silenceMatches({ hallId: "xicheng-1" }, alert)).toBe(true);
    expect(
      silenceMatches({ hallId: "xicheng-1", faultType: "gateway_down", severity: "critical" }, alert),
    ).toBe(true);
    expect(silenceMatches({ hallId: "xicheng-1", severity: "major" }, alert)).toBe(false);
    expect(silenceMatches({ kind: "kiosk" }, alert)).toBe(false);
    expect(silenceMatches({ deviceId: "gw-2" }, alert)).toBe(false);
  });

  it("a device matcher also matches a hall alert standing for that device", () => {
    const hallAlert = { ...alert, deviceId: null, kind: null };
    expect(silenceMatches({ deviceId: "kiosk-1" }, hallAlert)).toBe(true);
    expect(silenceMatches({ deviceId: "kiosk-9" }, hallAlert)).toBe(false);
  });

  it("need at least one matcher", () => {
    expect(silenceMatchersSchema.safeParse({}).success).toBe(false);
    expect(silenceMatchersSchema.safeParse({ severity: "minor" }).success).toBe(true);
    expect(silenceMatchersSchema.safeParse({ faultType: "Not A Code" }).success).toBe(false);
  });
});

describe("silence times", () => {
  it("refuse an end in the past, before the start, or beyond the longest silence", () => {
    expect(checkSilenceTimes(0, 500, 1000)).toBe("ends_in_past");
    expect(checkSilenceTimes(5000, 4000, 1000)).toBe("ends_before_start");
    expect(checkSilenceTimes(1000, 1000 + MAX_SILENCE_MS + 1, 1000)).toBe("too_long");
    expect(checkSilenceTimes(1000, 1000 + MAX_SILENCE_MS, 1000)).toBeNull();
  });

  it("find the silence in force: not before its start, not from its end on", () => {
    const list = [silence({ id: "late", endsMs: 3000 }), silence({ id: "early" })];
    expect(findSilence(list, alert, 999)).toBeNull();
    expect(findSilence(list, alert, 1000)?.id).toBe("early");
    expect(findSilence(list, alert, 2000)?.id).toBe("late");
    expect(findSilence(list, alert, 3000)).toBeNull();
  });
});
