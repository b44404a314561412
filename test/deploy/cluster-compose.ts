import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

/** deploy/compose.cluster.yaml as the tests read it: three nodes, PostgreSQL, Mosquitto and HAProxy. */

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const DEPLOY = join(ROOT, "deploy");
export const CLUSTER_COMPOSE = join(DEPLOY, "compose.cluster.yaml");
export const HAPROXY_CFG = join(DEPLOY, "haproxy/haproxy.cfg");

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] | string };
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

/** Compose merges `<<: *anchor` keys (YAML 1.1); so must the parser. */
export const clusterCompose = (): ComposeFile =>
  parse(readFileSync(CLUSTER_COMPOSE, "utf8"), { merge: true }) as ComposeFile;

/** The Hallwatch nodes: every service that sets HALLWATCH_CLUSTER. */
export const nodeServices = (compose: ComposeFile): [string, ComposeService][] =>
  Object.entries(compose.services).filter(([, s]) => s.environment?.HALLWATCH_CLUSTER !== undefined);

/** `${NAME:?message}` → NAME; anything else → null. */
export const requiredVariable = (value: string) => /^\$\{([A-Z0-9_]+):\?[^}]+\}$/.exec(value)?.[1] ?? null;

/** Every `${…}` in a value, each of which must be `${NAME:?message}` (no defaults, no optional variables). */
export const interpolations = (value: string) => [...value.matchAll(/\$\{[^}]*\}/g)].map((m) => m[0]);

/** A value with each `${NAME:?…}` replaced as `fill(NAME)` would set it in deploy/.env. */
export const substitute = (value: string, fill: (name: string) => string) =>
  value.replace(/\$\{([A-Z0-9_]+):\?[^}]+\}/g, (_m, name: string) => fill(name));

/** Sample .env values that pass what each variable's consumer checks (hex where it goes into a URL). */
export const sampleValue = (name: string) =>
  name === "HALLWATCH_SECRET_KEY"
    ? Buffer.alloc(32, 7).toString("base64")
    : `${name.toLowerCase().replace(/_/g, "")}0123456789abcdef`;
