import { describe, expect, it } from "vitest";
import { buildBirth, readCommandId } from "../../../agents/runtime/birth.js";
import { birthSchema } from "../../../src/contract/index.js";

describe("birth", () => {
  it("is a valid seq-0 birth listing every device with its current interval", () => {
    const birth = buildBirth({
      agentId: "h-gateway",
      session: 4,
      nowMs: 1_000,
      devices: [
        {
          spec: { id: "gateway", kind: "gateway", model: "G", zone: "z", reportIntervalSec: 10 },
          reportIntervalSec: 5,
        },
        {
          spec: {
            id: "ext-1",
            kind: "extinguisher",
            model: "E",
            zone: "z",
            name: "灭火器 1",
            reportIntervalSec: 900,
          },
          reportIntervalSec: 900,
        },
      ],
    });
    expect(birthSchema.safeParse(birth).success).toBe(true);
    expect(birth).toMatchObject({ session: 4, seq: 0, tsMs: 1_000, agent: { id: "h-gateway" } });
    expect(birth.devices.map((d) => [d.id, d.reportIntervalSec, d.name])).toEqual([
      ["gateway", 5, undefined],
      ["ext-1", 900, "灭火器 1"],
    ]);
  });

  it("reads a command id from a payload that failed validation, when there is one", () => {
    expect(readCommandId(Buffer.from('{"id":"c1","cmd":"nope"}'))).toBe("c1");
    expect(readCommandId(Buffer.from('{"cmd":"rebirth"}'))).toBeNull();
    expect(readCommandId(Buffer.from("{not json"))).toBeNull();
    expect(readCommandId(Buffer.from("null"))).toBeNull();
    expect(readCommandId(Buffer.from(JSON.stringify({ id: "x".repeat(65) })))).toBeNull();
  });
});
