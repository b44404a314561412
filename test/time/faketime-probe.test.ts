import { describe, expect, it } from "vitest";

/**
 * Run by .ci/faketime-matrix.sh: proves that the faked clock reaches vitest's forked workers (libfaketime is
 * inherited through LD_PRELOAD). Outside the matrix HALLWATCH_FAKETIME_START is unset and there is nothing to prove.
 */
const start = process.env.HALLWATCH_FAKETIME_START;

describe.skipIf(!start)("defect 2: the faketime matrix really fakes the clock in the test workers", () => {
  it("defect 2: Date.now() in this worker is the matrix instant (plus the run so far), not today", () => {
    const startMs = Date.parse(start as string);
    const nowMs = Date.now();
    console.log(`faketime probe: worker clock ${new Date(nowMs).toISOString()} (instant ${start})`);
    expect(Number.isFinite(startMs)).toBe(true);
    // The clock advances from the instant: the worker started after it, within the matrix's time budget.
    expect(nowMs).toBeGreaterThanOrEqual(startMs);
    expect(nowMs - startMs).toBeLessThan(10 * 60_000);
  });
});
