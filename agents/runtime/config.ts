import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { agentIdSchema, deviceIdSchema, deviceKindSchema, hallIdSchema } from "../../src/contract/index.js";
import { hostActionsSchema } from "../drivers/real/host-actions.js";

const driverSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("simulated"), seed: z.number().int().default(1) }),
  z.strictObject({
    type: z.literal("kiosk-host"),
    appHealthUrl: z.string().url(),
    cupsPrinter: z.string().min(1).optional(),
    diskPath: z.string().min(1).optional(),
    actions: hostActionsSchema.optional(),
  }),
  z.strictObject({
    type: z.literal("signage-host"),
    playerHealthUrl: z.string().url(),
    actions: hostActionsSchema.optional(),
  }),
  z.strictObject({
    type: z.literal("queue-host"),
    statusUrl: z.string().url(),
    timeoutMs: z.number().int().min(100).optional(),
    cupsPrinter: z.string().min(1).optional(),
    actions: hostActionsSchema.optional(),
  }),
]);

/** Which device kind each real driver reports as. */
const DRIVER_KIND = { "kiosk-host": "kiosk", "signage-host": "tv", "queue-host": "queue" } as const;

const deviceSchema = z
  .strictObject({
    id: deviceIdSchema,
    kind: deviceKindSchema,
    model: z.string().min(1).max(64),
    zone: z.string().min(1).max(64),
    name: z.string().max(128).optional(),
    reportIntervalSec: z.number().int().min(1).max(86_400),
    driver: driverSchema,
  })
  .superRefine((device, ctx) => {
    const expected = device.driver.type === "simulated" ? null : DRIVER_KIND[device.driver.type];
    if (expected && expected !== device.kind) {
      ctx.addIssue({
        code: "custom",
        path: ["driver", "type"],
        message: `driver ${device.driver.type} reports a ${expected}, not a ${device.kind}`,
      });
    }
  });

export const agentConfigSchema = z
  .strictObject({
    brokerUrl: z
      .string()
      .regex(/^(mqtts?|wss?|tcp|tls):\/\//, "must be an mqtt://, mqtts://, ws:// or wss:// URL"),
    hallId: hallIdSchema,
    agentId: agentIdSchema,
    /** Prefer passwordFile: the secret then stays out of the config, which is often copied around. */
    password: z.string().min(1).optional(),
    passwordFile: z.string().min(1).optional(),
    stateDir: z.string().min(1),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    spoolMaxBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .default(50 * 1024 * 1024),
    spoolMaxMessages: z.number().int().min(100).optional(),
    /** How often drivers are read to catch changes between reports (real drivers: keep it ≥ 1000). */
    sampleIntervalMs: z.number().int().min(100).max(60_000).default(1000),
    reconnect: z
      .strictObject({
        initialDelayMs: z.number().int().min(10).default(500),
        maxDelayMs: z.number().int().min(100).default(30_000),
      })
      .default({ initialDelayMs: 500, maxDelayMs: 30_000 }),
    devices: z.array(deviceSchema).min(1).max(500),
  })
  .refine((c) => (c.password === undefined) !== (c.passwordFile === undefined), {
    message: "give exactly one of password or passwordFile",
    path: ["password"],
  })
  .refine((c) => new Set(c.devices.map((d) => d.id)).size === c.devices.length, {
    message: "device ids must be unique",
    path: ["devices"],
  });

export type AgentConfig = z.infer<typeof agentConfigSchema>;
export type DeviceConfig = AgentConfig["devices"][number];

export class AgentConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid agent configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "AgentConfigError";
  }
}

export function parseAgentConfig(input: unknown): AgentConfig {
  const result = agentConfigSchema.safeParse(input);
  if (!result.success) {
    throw new AgentConfigError(
      result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "(root)"}: ${i.message}`),
    );
  }
  return result.data;
}

/**
 * Reads, validates and freezes a config file. Relative `stateDir` and `passwordFile` are taken relative to
 * the config file's folder, so a service works whatever its working directory.
 */
export function loadAgentConfig(path: string): { config: AgentConfig; password: string } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new AgentConfigError([`${path}: ${(err as Error).message}`]);
  }
  const parsed = parseAgentConfig(json);
  const base = dirname(resolve(path));
  const config: AgentConfig = Object.freeze({
    ...parsed,
    stateDir: resolve(base, parsed.stateDir),
    ...(parsed.passwordFile ? { passwordFile: resolve(base, parsed.passwordFile) } : {}),
  });
  let password = config.password;
  if (config.passwordFile) {
    try {
      password = readFileSync(config.passwordFile, "utf8").trim();
    } catch (err) {
      throw new AgentConfigError([`passwordFile: ${(err as Error).message}`]);
    }
  }
  return { config, password: password ?? "" };
}
