/**
 * `npm run dashboards` writes every dashboard as JSON into dashboards/generated/ and the Grafana provisioning
 * files into dashboards/provisioning/ (all committed). `npm run dashboards -- --check` writes nothing and exits
 * with 1 when a committed file differs from what the code builds (test/dashboards/drift.test.ts does the same).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { dashboardProviderYaml, datasourceYaml } from "./provisioning.js";
import { DASHBOARDS } from "./src/index.js";

const HERE = dirname(fileURLToPath(import.meta.url));
export const GENERATED_DIR = join(HERE, "generated");
export const PROVISIONING_DIR = join(HERE, "provisioning");

/** Object keys sorted at every level, two-space indent, final newline: the same bytes on every run. */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .flatMap((k) => {
            const inner = (v as Record<string, unknown>)[k];
            return typeof inner === "function" || inner === undefined ? [] : [[k, sort(inner)]];
          }),
      );
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

/** Panels (rows included) numbered 1, 2, … in layout order, so Grafana never sees two panels with one id. */
export function numberPanels<T extends { panels?: Array<{ id?: number }> }>(dashboard: T): T {
  (dashboard.panels ?? []).forEach((panel, i) => {
    panel.id = i + 1;
  });
  return dashboard;
}

/** Every file the build owns, by absolute path, with its content. */
export function buildAll(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, build] of Object.entries(DASHBOARDS)) {
    files.set(join(GENERATED_DIR, `${name}.json`), stableJson(numberPanels(build().build())));
  }
  files.set(join(PROVISIONING_DIR, "datasources", "hallwatch-influxdb.yaml"), datasourceYaml());
  files.set(join(PROVISIONING_DIR, "dashboards", "hallwatch.yaml"), dashboardProviderYaml());
  return files;
}

const read = (path: string): string | null => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
};

/** Files that differ from the build, are missing, or are stale JSON left in generated/ by a removed dashboard. */
export function drift(files = buildAll()): string[] {
  const problems: string[] = [];
  for (const [path, content] of files) {
    const committed = read(path);
    if (committed === null) problems.push(`${relative(HERE, path)} is missing`);
    else if (committed !== content) problems.push(`${relative(HERE, path)} differs from the code`);
  }
  for (const name of safeList(GENERATED_DIR)) {
    const path = join(GENERATED_DIR, name);
    if (!files.has(path)) problems.push(`${relative(HERE, path)} is not built by any dashboard`);
  }
  return problems;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function main(args: string[]): number {
  const files = buildAll();
  if (args.includes("--check")) {
    const problems = drift(files);
    if (problems.length === 0) {
      console.log(`dashboards: ${files.size} files up to date`);
      return 0;
    }
    console.error(
      `dashboards drifted from the code; run \`npm run dashboards\`:\n  ${problems.join("\n  ")}`,
    );
    return 1;
  }
  for (const [path, content] of files) {
    mkdirSync(dirname(path), { recursive: true });
    if (read(path) !== content) writeFileSync(path, content);
  }
  for (const name of safeList(GENERATED_DIR)) {
    if (!files.has(join(GENERATED_DIR, name))) console.warn(`dashboards: stale ${name} (remove it by hand)`);
  }
  console.log(`dashboards: wrote ${files.size} files under ${relative(process.cwd(), HERE) || "."}`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
