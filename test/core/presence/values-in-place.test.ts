import { describe, expect, it } from "vitest";
import { keepLatestValues } from "../../../src/core/presence/values-in-place.js";

const charger = (t: number, ports: { id: number; state: string; currentA: number }[]) => ({
  temperatureC: t,
  ports,
  fault: null as string | null,
});

describe("keepLatestValues", () => {
  it("copies a reading of the same shape into the values already held, nested ports included", () => {
    const held = charger(30, [
      { id: 1, state: "idle", currentA: 0 },
      { id: 2, state: "charging", currentA: 1.2 },
    ]);
    const ports = held.ports;
    const port0 = held.ports[0];
    const next = charger(31.5, [
      { id: 1, state: "charging", currentA: 2.1 },
      { id: 2, state: "idle", currentA: 0 },
    ]);
    const kept = keepLatestValues(held, next);
    expect(kept).toBe(held);
    expect(held.ports).toBe(ports);
    expect(held.ports[0]).toBe(port0);
    expect(kept).toEqual(next);
    expect(JSON.stringify(kept)).toBe(JSON.stringify(next));
  });

  it("takes the new reading itself when its shape differs: other keys, other array length, nothing held", () => {
    const held: Record<string, number> = { a: 1, b: 2 };
    const extraKey = { a: 1, b: 2, c: 3 };
    expect(keepLatestValues(held, extraKey)).toBe(extraKey);
    const otherKey = { a: 1, c: 2 };
    expect(keepLatestValues(held, otherKey)).toBe(otherKey);
    const fewerPorts = charger(1, [{ id: 1, state: "idle", currentA: 0 }]);
    const heldCharger = charger(1, [
      { id: 1, state: "idle", currentA: 0 },
      { id: 2, state: "idle", currentA: 0 },
    ]);
    const kept = keepLatestValues(heldCharger, fewerPorts);
    expect(kept).toBe(heldCharger); // the top level still matches
    expect(heldCharger.ports).toBe(fewerPorts.ports); // the array of another length is taken whole
    expect(kept).toEqual(fewerPorts);
    const fresh = { a: 1 };
    expect(keepLatestValues(null, fresh)).toBe(fresh);
  });

  it("replaces values whose type changed (a number becoming null, an object becoming a string)", () => {
    const held = { t: 20 as number | null, inner: { x: 1 } as { x: number } | string };
    const next = { t: null, inner: "gone" };
    expect(keepLatestValues(held, next)).toEqual(next);
    const back = { t: 21, inner: { x: 2 } };
    expect(keepLatestValues(held, back)).toEqual(back);
  });

  it("always ends equal to the reading, over random readings of random shapes", () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const value = (depth: number): unknown => {
      const r = rnd();
      if (depth > 2 || r < 0.3) return Math.round(rnd() * 100);
      if (r < 0.4) return rnd() < 0.5 ? null : "s";
      if (r < 0.7) return Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (const k of ["a", "b", "c"]) if (rnd() < 0.7) o[k] = value(depth + 1);
      return o;
    };
    let held: unknown = null;
    for (let i = 0; i < 500; i++) {
      const next = { v: value(0), w: value(0) };
      const copy = structuredClone(next);
      held = keepLatestValues(held as never, next);
      expect(held).toEqual(copy);
    }
  });
});
