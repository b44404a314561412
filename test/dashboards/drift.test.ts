import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildAll, drift, GENERATED_DIR, numberPanels, stableJson } from "../../dashboards/build.js";
import { DASHBOARDS } from "../../dashboards/src/index.js";

describe("generated dashboards", () => {
  it("are committed exactly as the code builds them", () => {
    const problems = drift();
    expect(
      problems,
      `dashboards drifted from the code; run \`npm run dashboards\`:\n${problems.join("\n")}`,
    ).toEqual([]);
  });

  it("notices a hand edit, a missing file and a stale one", () => {
    const files = buildAll();
    const [path, content] = [...files][0]!;
    const edited = new Map(files).set(path, content.replace('"hallwatch"', '"edited"'));
    expect(drift(edited).some((p) => p.endsWith("differs from the code"))).toBe(true);
    const missing = new Map(files).set(join(GENERATED_DIR, "not-there.json"), "{}\n");
    expect(drift(missing)).toContain("generated/not-there.json is missing");
    const withoutOne = new Map(files);
    withoutOne.delete(join(GENERATED_DIR, "uptime.json"));
    expect(drift(withoutOne)).toContain("generated/uptime.json is not built by any dashboard");
  });

  it("are deterministic, with unique uids and panel ids", () => {
    const uids = new Set<string>();
    for (const [name, build] of Object.entries(DASHBOARDS)) {
      const once = stableJson(numberPanels(build().build()));
      expect(stableJson(numberPanels(build().build())), name).toBe(once);
      const dashboard = JSON.parse(once) as { uid: string; panels: Array<{ id: number }> };
      expect(dashboard.uid).toMatch(/^hallwatch-[a-z-]+$/);
      expect(dashboard.uid.length).toBeLessThanOrEqual(40);
      uids.add(dashboard.uid);
      const ids = dashboard.panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(JSON.parse(readFileSync(join(GENERATED_DIR, `${name}.json`), "utf8")).uid).toBe(dashboard.uid);
    }
    expect(uids.size).toBe(Object.keys(DASHBOARDS).length);
  });

  it("stableJson sorts keys at every level and drops functions", () => {
    expect(stableJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: () => 0 } })).toBe(
      '{\n  "a": {\n    "d": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n',
    );
  });
});
