import { describe, expect, it } from "vitest";
import { UNUSABLE_FAULTS } from "../../../src/core/alerts/unusable.js";
import { RULES_BY_KIND } from "../../../src/core/faults/rules/index.js";

describe("faults that take a device out of service", () => {
  it("names only fault types that the kind's rules raise", () => {
    for (const [kind, faults] of Object.entries(UNUSABLE_FAULTS)) {
      const known = RULES_BY_KIND[kind as keyof typeof RULES_BY_KIND].map((r) => r.faultType);
      for (const f of faults) expect(known, `${kind}/${f}`).toContain(f);
    }
  });
});
