import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseRulesConfig } from "../../../src/core/faults/config.js";
import { RULES_BY_KIND } from "../../../src/core/faults/rules/index.js";

const doc = readFileSync(new URL("../../../docs/faults.md", import.meta.url), "utf8");

describe("docs/faults.md", () => {
  it("lists every rule with its real defaults", () => {
    for (const [kind, rules] of Object.entries(RULES_BY_KIND)) {
      for (const r of rules) {
        const row = doc.split("\n").find((line) => line.startsWith(`| ${kind} | \`${r.faultType}\` |`));
        expect(row, `${kind}.${r.faultType}`).toBeDefined();
        const cells = row!.split("|").map((c) => c.trim());
        expect(cells[4]).toBe(r.defaults.severity);
        expect(cells[5]).toBe(r.defaults.audience.join(", "));
        expect(Number(cells[6])).toBe(r.defaults.forSec);
        for (const [name, value] of Object.entries(r.defaults.params))
          expect(cells[7]).toContain(`${name} ${value}`);
      }
    }
  });

  it("shows a rules file that parses", () => {
    const json = /```json\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(() => parseRulesConfig(JSON.parse(json ?? ""))).not.toThrow();
  });
});
