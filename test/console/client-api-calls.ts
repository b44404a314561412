import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Every API call the console's code makes, read from its source (the convention in src/console/client/api.ts):
 * `api("METHOD", "/api/…" | `/api/…${x}…`)`, `useApi("/api/…")`, `new EventSource("/api/…")`, and any other
 * string that starts with `/api/` (links to CSV and printable pages) as a GET.
 */
export interface ApiCall {
  method: string;
  /** The path as written, `${…}` made `{}` and the query string cut: `/api/halls/{}/readiness`. */
  path: string;
  at: string;
}

const METHOD_CALL = /\bapi(?:<[\s\S]*?>)?\(\s*"(GET|POST|PUT|PATCH|DELETE)"\s*,\s*/g;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The string or template literal starting at `start` (its quote), or null; templates keep `${…}` whole. */
function literalAt(source: string, start: number): { text: string; end: number } | null {
  const quote = source[start];
  if (quote !== '"' && quote !== "'" && quote !== "`") return null;
  let depth = 0;
  for (let i = start + 1; i < source.length; i++) {
    const c = source[i];
    if (quote === "`" && c === "$" && source[i + 1] === "{") depth++;
    else if (depth > 0 && c === "}") depth--;
    else if (depth === 0 && c === quote) return { text: source.slice(start + 1, i), end: i + 1 };
  }
  return null;
}

/** `${a}` as a whole segment becomes a parameter `{}`; glued to the end of a segment it is a query suffix. */
export function normalisePath(raw: string): string {
  const templated = raw.replace(/\$\{[^}]*\}/g, "{}");
  const [path = ""] = templated.split("?");
  return path
    .split("/")
    .map((segment) => (segment === "{}" ? segment : segment.replace(/\{\}$/, "")))
    .join("/")
    .replace(/\/$/, "");
}

export function clientApiCalls(clientDir: string): { calls: ApiCall[]; unscannable: string[] } {
  const calls: ApiCall[] = [];
  const unscannable: string[] = [];
  for (const file of files(clientDir)) {
    // Comments blanked out (lines kept), so a comment that shows an example is not read as a call.
    const source = readFileSync(file, "utf8")
      .replace(/^[ \t]*\/\*[\s\S]*?\*\//gm, (comment) => comment.replace(/[^\n]/g, " "))
      .replace(/^[ \t]*\/\/.*$/gm, (comment) => " ".repeat(comment.length));
    const name = relative(process.cwd(), file);
    const line = (index: number) => `${name}:${source.slice(0, index).split("\n").length}`;
    // Paths kept in a constant of the file (`const base = `/api/halls/${id}``) count where they are used.
    const constants = new Map<string, string>();
    for (const match of source.matchAll(/\bconst (\w+) = (?=["'`]\/api\/)/g)) {
      const literal = literalAt(source, (match.index ?? 0) + match[0].length);
      if (literal) constants.set(match[1] as string, literal.text);
    }
    /** The path an argument written at `start` names: a literal, `${constant}/…`, or a constant. */
    const pathAt = (start: number): string | null => {
      const literal = literalAt(source, start);
      if (literal) {
        const text = literal.text.replace(/^\$\{(\w+)\}/, (whole, id: string) => constants.get(id) ?? whole);
        return text.startsWith("/api/") ? text : null;
      }
      const identifier = /^(\w+)\s*[,)]/.exec(source.slice(start))?.[1];
      return identifier ? (constants.get(identifier) ?? null) : null;
    };
    for (const match of source.matchAll(METHOD_CALL)) {
      const start = (match.index ?? 0) + match[0].length;
      const path = pathAt(start);
      if (path === null) {
        // useApi() passes its caller's path on; every other call site must write its path out.
        if (!file.endsWith("use-api.tsx"))
          unscannable.push(`${line(start)}: api("${match[1]}", …) with a computed path`);
        continue;
      }
      calls.push({ method: match[1] as string, path: normalisePath(path), at: line(start) });
    }
    for (const match of source.matchAll(/\buseApi(?:<[\s\S]*?>)?\(\s*/g)) {
      const start = (match.index ?? 0) + match[0].length;
      if (file.endsWith("use-api.tsx") || source.startsWith("null", start)) continue;
      const path = pathAt(start);
      if (path !== null) calls.push({ method: "GET", path: normalisePath(path), at: line(start) });
      else {
        // `cond ? `/api/…` : null` is read by the literal scan below.
        const argument = source.slice(start, source.indexOf(")", start) + 1);
        if (!/["'`]\/api\//.test(argument))
          unscannable.push(`${line(start)}: useApi(…) with a computed path`);
      }
    }
    // Every other string that starts with /api/ (links to CSV and printable pages, EventSource): a GET.
    for (const match of source.matchAll(/["'`]\/api\//g)) {
      const start = match.index ?? 0;
      const literal = literalAt(source, start);
      const before = source.slice(Math.max(0, start - 300), start);
      if (literal && !/api(?:<[\s\S]*?>)?\(\s*"(?:POST|PUT|PATCH|DELETE)"\s*,\s*$/.test(before))
        calls.push({ method: "GET", path: normalisePath(literal.text), at: line(start) });
    }
  }
  return { calls, unscannable };
}

/** Whether `path` (with `{}` parameters) is one of the OpenAPI paths (`/api/halls/{hallId}/…`). */
export function inOpenApi(path: string, openApiPaths: readonly string[]): boolean {
  const parts = path.split("/");
  return openApiPaths.some((candidate) => {
    const other = candidate.replace(/\/$/, "").split("/");
    return (
      other.length === parts.length &&
      other.every((segment, i) => segment === parts[i] || /^\{.+\}$/.test(segment) || parts[i] === "{}")
    );
  });
}
