import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSimDriver, SIM_FAULTS } from "../../agents/drivers/sim/index.js";
import { demoHallLayout } from "../../agents/simulator/layout.js";
import { decodeMessageFast, decodeTelemetryValuesFast } from "../../src/aggregator/fast-decode.js";
import { compileFastCheck } from "../../src/aggregator/fast-validate.js";
import {
  birthSchema,
  DEVICE_KINDS,
  decodeMessage,
  decodeTelemetryValues,
  KIND_SPECS,
  telemetrySchema,
  topics,
} from "../../src/contract/index.js";

/** Real readings of every kind, normal and with each simulated fault, as the agents send them. */
const samples = (() => {
  const out: { kind: (typeof DEVICE_KINDS)[number]; values: Record<string, unknown> }[] = [];
  const seen = new Set<string>();
  for (const spec of demoHallLayout("hall-1").agents.flatMap((a) => a.devices)) {
    if (seen.has(spec.kind)) continue;
    seen.add(spec.kind);
    const driver = createSimDriver(spec, 3, { sensorsExpected: 10 });
    for (let i = 0; i < 5; i++)
      out.push({ kind: spec.kind, values: driver.read(1_800_000_000_000 + i * 10_000) as never });
    for (const fault of SIM_FAULTS[spec.kind]) {
      driver.inject(fault);
      out.push({ kind: spec.kind, values: driver.read(1_800_000_100_000) as never });
      driver.clear(fault);
    }
  }
  return out;
})();

const jsonValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 200 }),
  fc.double({ min: -1000, max: 100_000, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom("ok", "jam", "on", "", "x".repeat(40), "idle", "fault", "__proto__"),
  fc.constant([]),
  fc.constant({}),
);

/** A valid object with one change: a key removed, replaced, or added. */
const mutated = (base: Record<string, unknown>) =>
  fc
    .tuple(
      fc.constantFrom(...Object.keys(base), "extra", "__proto__"),
      fc.constantFrom("delete", "set"),
      jsonValue,
    )
    .map(([key, op, value]) => {
      const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
      if (op === "delete") delete copy[key];
      else Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
      return JSON.parse(JSON.stringify(copy)) as unknown; // as it arrives: through JSON
    });

describe("fast checks compiled from the zod schemas", () => {
  it("accept every real reading of every kind, which zod returns unchanged", () => {
    expect(new Set(samples.map((s) => s.kind))).toEqual(new Set(DEVICE_KINDS));
    for (const { kind, values } of samples) {
      const check = compileFastCheck(KIND_SPECS[kind].valuesSchema);
      expect(check, kind).not.toBeNull();
      expect(check?.(values), `${kind} ${JSON.stringify(values)}`).toBe(true);
      expect(KIND_SPECS[kind].valuesSchema.parse(values)).toEqual(values);
    }
  });

  it("accept only what zod accepts, and only what zod would return as it is (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...samples).chain((s) => fc.tuple(fc.constant(s.kind), mutated(s.values))),
        ([kind, values]) => {
          const schema = KIND_SPECS[kind].valuesSchema;
          if (!compileFastCheck(schema)?.(values)) return;
          const zod = schema.safeParse(values);
          expect(zod.success).toBe(true);
          expect(zod.data).toEqual(values);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("refuse to compile what they do not know (a refinement), leaving it to zod", () => {
    expect(compileFastCheck(birthSchema)).toBeNull();
    expect(compileFastCheck(telemetrySchema)).not.toBeNull();
  });
});

describe("decodeMessageFast", () => {
  const topic = topics.telemetry("hall-1", "agent-1", "kiosk-1");
  const envelope = { v: 1, session: 3, seq: 7, tsMs: 1_800_000_000_000, values: { appOk: true } };
  const decode = (t: string, json: string) => {
    const payload = Buffer.from(json);
    return [decodeMessageFast(t, payload), decodeMessage(t, payload)] as const;
  };

  it("gives decodeMessage's result for any envelope, valid or not (property)", () => {
    fc.assert(
      fc.property(
        mutated(envelope),
        fc.constantFrom(topic, topics.event("hall-1", "agent-1", "kiosk-1")),
        (e, t) => {
          const [fast, slow] = decode(t, JSON.stringify(e));
          expect(fast).toEqual(slow);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("gives decodeMessage's reasons for bad topics, bad JSON and oversized payloads", () => {
    for (const [t, json] of [
      ["hallwatch/v1/hall-1/agent-1/telemetry", "{}"],
      [topic, "{not json"],
      [topic, JSON.stringify({ ...envelope, values: "x".repeat(70_000) })],
      [topic, JSON.stringify({ ...envelope, historical: true })],
    ] as const) {
      const [fast, slow] = decode(t, json);
      expect(fast).toEqual(slow);
    }
  });

  it("decodeTelemetryValuesFast gives decodeTelemetryValues's result (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...samples).chain((s) => fc.tuple(fc.constant(s.kind), mutated(s.values))),
        ([kind, values]) => {
          expect(decodeTelemetryValuesFast(kind, values)).toEqual(decodeTelemetryValues(kind, values));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
