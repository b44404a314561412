import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CODE_GROUPS, codeLabel, fieldValue } from "../../src/console/client/i18n/codes.js";
import { ERROR_TEXT } from "../../src/console/client/i18n/errors.js";
import { TEXT } from "../../src/console/client/i18n.js";
import { DEMO_SERVICES, DEMO_ZONES, SERVER_CODES } from "./server-codes.js";

const CLIENT = join(process.cwd(), "src/console/client");

/** Where two language versions of a dictionary differ: a key missing on one side, an empty or untranslated text. */
function dictionaryProblems(name: string, zh: unknown, en: unknown): string[] {
  const problems: string[] = [];
  const walk = (path: string, a: unknown, b: unknown) => {
    if (typeof a === "string" || typeof b === "string") {
      if (typeof a !== "string" || a.trim() === "") problems.push(`${path}: zh missing or empty`);
      if (typeof b !== "string" || b.trim() === "") problems.push(`${path}: en missing or empty`);
      // Same English phrase on both sides: the zh text was never translated.
      if (a === b && typeof a === "string" && /[A-Za-z]{2,}\s+[A-Za-z]{2,}/.test(a))
        problems.push(`${path}: zh is the English text "${a}"`);
      return;
    }
    if (typeof a === "function" || typeof b === "function") {
      if (typeof a !== "function") problems.push(`${path}: zh is not a function`);
      if (typeof b !== "function") problems.push(`${path}: en is not a function`);
      return;
    }
    if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
      problems.push(`${path}: zh ${typeof a} / en ${typeof b}`);
      return;
    }
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      if (!(key in a)) problems.push(`${path}.${key}: missing in zh`);
      else if (!(key in b)) problems.push(`${path}.${key}: missing in en`);
      else walk(`${path}.${key}`, (a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]);
    }
  };
  walk(name, zh, en);
  return problems;
}

/** A code table (`{ code: { zh, en } }`): every entry has both texts. */
function tableProblems(name: string, table: Record<string, { zh?: unknown; en?: unknown }>): string[] {
  const problems: string[] = [];
  for (const [code, label] of Object.entries(table)) {
    if (typeof label.zh !== "string" || label.zh.trim() === "") problems.push(`${name}.${code}: zh missing`);
    if (typeof label.en !== "string" || label.en.trim() === "") problems.push(`${name}.${code}: en missing`);
  }
  return problems;
}

const isLangPair = (value: unknown): value is { zh: unknown; en: unknown } =>
  typeof value === "object" && value !== null && "zh" in value && "en" in value;
const isCodeTable = (value: unknown): value is Record<string, { zh: unknown; en: unknown }> =>
  typeof value === "object" &&
  value !== null &&
  !isLangPair(value) &&
  Object.values(value).length > 0 &&
  Object.values(value).every(isLangPair);

/** Every translation module of the client: i18n.ts, i18n/*.ts and the older *-i18n.ts files. */
function translationModules(): string[] {
  const inFolder = readdirSync(join(CLIENT, "i18n"))
    .filter((name) => name.endsWith(".ts"))
    .map((name) => join(CLIENT, "i18n", name));
  const beside = readdirSync(CLIENT)
    .filter((name) => name === "i18n.ts" || name.endsWith("-i18n.ts"))
    .map((name) => join(CLIENT, name));
  return [...beside, ...inFolder];
}

describe("console translations", () => {
  it("finds the dictionaries it checks (a walk over nothing cannot fail)", () => {
    const modules = translationModules();
    expect(modules.some((path) => path.endsWith("i18n/codes.ts"))).toBe(true);
    expect(modules.some((path) => path.endsWith("client/i18n.ts"))).toBe(true);
    expect(dictionaryProblems("probe", { a: "甲", b: { c: "乙" } }, { a: "A", b: {} })).toEqual([
      "probe.b.c: missing in en",
    ]);
  });

  it("has every key of every dictionary in zh and en, none empty", async () => {
    const problems: string[] = [];
    for (const path of translationModules()) {
      const module = (await import(path)) as Record<string, unknown>;
      const file = path.slice(CLIENT.length + 1);
      for (const [name, value] of Object.entries(module)) {
        if (isLangPair(value)) problems.push(...dictionaryProblems(`${file}:${name}`, value.zh, value.en));
        else if (isCodeTable(value)) problems.push(...tableProblems(`${file}:${name}`, value));
      }
    }
    problems.push(...dictionaryProblems("TEXT", TEXT.zh, TEXT.en));
    expect(problems).toEqual([]);
  });

  it("labels every code the server defines, in both languages", () => {
    const missing: string[] = [];
    const need = (group: keyof typeof CODE_GROUPS, codes: readonly string[]) => {
      const table = CODE_GROUPS[group] as Record<string, { zh: string; en: string }> | undefined;
      for (const code of codes) if (!table?.[code]?.zh || !table[code]?.en) missing.push(`${group}: ${code}`);
    };
    need("kind", SERVER_CODES.kind);
    need("role", SERVER_CODES.role);
    need("weekday", SERVER_CODES.weekday);
    need("fault", SERVER_CODES.fault);
    need("field", SERVER_CODES.field);
    need("value", SERVER_CODES.value);
    need("connectivity", SERVER_CODES.connectivity);
    need("assetType", SERVER_CODES.asset);
    need("checkItem", SERVER_CODES.checkItem);
    need("zone", DEMO_ZONES);
    need("service", DEMO_SERVICES);
    for (const severity of SERVER_CODES.severity)
      for (const lang of ["zh", "en"] as const)
        if (!TEXT[lang].severity[severity as keyof typeof TEXT.zh.severity])
          missing.push(`severity (${lang}): ${severity}`);
    for (const code of SERVER_CODES.error)
      for (const lang of ["zh", "en"] as const)
        if (!(code in ERROR_TEXT[lang])) missing.push(`error (${lang}): ${code}`);
    expect(missing).toEqual([]);
  });

  it("shows codes and values through the tables, never raw, including lists and per-service counts", () => {
    expect(codeLabel("zh", "fault", "printer_jam")).toBe("打印机卡纸");
    expect(fieldValue("zh", "pressureMpa", 1.05)).toBe("1.05 MPa");
    expect(fieldValue("zh", "waitingByService", { billing: 3, sim: 2 })).not.toMatch(/billing|sim|[{}"]/);
    const ports = [
      { port: 1, state: "charging", currentA: 1.2, voltageV: 5 },
      { port: 2, state: "idle", currentA: 0, voltageV: 5 },
    ];
    expect(fieldValue("zh", "ports", ports)).not.toMatch(/charging|idle|state|[{}"]/);
  });
});
