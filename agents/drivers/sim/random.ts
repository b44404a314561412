/** mulberry32: a tiny seeded PRNG, so a simulated hall is the same every run for a given seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A value that wanders around `center` within [min, max]: realistic noise without jumps. */
export class Drift {
  constructor(
    private value: number,
    private readonly min: number,
    private readonly max: number,
    private readonly step: number,
    private readonly random: () => number,
  ) {}

  next(): number {
    this.value += (this.random() - 0.5) * 2 * this.step;
    this.value = Math.min(this.max, Math.max(this.min, this.value));
    return this.value;
  }

  get current(): number {
    return this.value;
  }

  set(value: number): void {
    this.value = Math.min(this.max, Math.max(this.min, value));
  }
}

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** Stable per-device seed from the simulator seed and the device id. */
export function deviceSeed(seed: number, deviceId: string): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = 0; i < deviceId.length; i++) h = Math.imul(h ^ deviceId.charCodeAt(i), 16_777_619);
  return h >>> 0;
}
