import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { build } from "esbuild";
import type { FastifyInstance } from "fastify";

const here = (file: string) => new URL(file, import.meta.url);

/**
 * The web console: one page and one script bundle, built in memory at start and served from here with every
 * asset local (hall networks can be offline) and a strict Content-Security-Policy.
 */
export async function registerConsole(app: FastifyInstance): Promise<void> {
  const result = await build({
    entryPoints: [here("./client/main.tsx").pathname],
    jsx: "automatic",
    jsxImportSource: "preact",
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    write: false,
    logLevel: "silent",
  });
  const script = result.outputFiles[0]?.text ?? "";
  const html = readFileSync(here("./index.html"), "utf8");
  // One style sheet from every file in styles/ (base first, then by name), so each page keeps its own rules.
  const styleFiles = readdirSync(here("./styles/"))
    .filter((name) => name.endsWith(".css"))
    .sort((a, b) => (a === "base.css" ? -1 : b === "base.css" ? 1 : a.localeCompare(b)));
  // uPlot's own rules first (served from here like every asset), so ours can refine them.
  const uplotCss = readFileSync(createRequire(import.meta.url).resolve("uplot/dist/uPlot.min.css"), "utf8");
  const css = [uplotCss, ...styleFiles.map((name) => readFileSync(here(`./styles/${name}`), "utf8"))].join(
    "\n",
  );
  const csp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
  const send =
    (type: string, body: string) => async (_request: unknown, reply: import("fastify").FastifyReply) =>
      reply
        .header("content-type", type)
        .header("content-security-policy", csp)
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .header("cache-control", "no-cache")
        .send(body);
  app.get("/", send("text/html; charset=utf-8", html));
  app.get("/assets/app.js", send("text/javascript; charset=utf-8", script));
  app.get("/assets/app.css", send("text/css; charset=utf-8", css));
  // The push service worker, at the root so its scope is the whole console.
  app.get("/sw.js", send("text/javascript; charset=utf-8", readFileSync(here("./sw.js"), "utf8")));
}
