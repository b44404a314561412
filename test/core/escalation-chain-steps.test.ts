import { describe, expect, it } from "vitest";
import { chainFor, dueStep, type EscalationChain } from "../../src/core/escalation/chain.js";

const MIN = 60_000;
const chain: EscalationChain = {
  id: "critical",
  severity: "critical",
  hallId: null,
  steps: [
    { afterMin: 0, target: { onDuty: "duty_manager" }, via: ["push", "wecom"] },
    { afterMin: 5, target: { onDuty: "duty_manager" }, via: ["sms"] },
    { afterMin: 10, target: { onDuty: "maintenance" }, via: [] },
    { afterMin: 20, target: { user: "regional" }, via: [] },
  ],
  repeatEveryMin: 15,
};
const raised = 1_000_000;

/** Runs every due step at `atMs`, as the notifier's tick does, and returns what ran. */
function runAt(atMs: number, progress: { stepsDone: number; repeatsDone: number }) {
  const ran: string[] = [];
  for (let due = dueStep(chain, raised, progress, atMs); due; due = dueStep(chain, raised, progress, atMs)) {
    ran.push(`${due.index}${due.repeat ? `r${due.repeat}` : ""}`);
    Object.assign(progress, due.next);
  }
  return ran;
}

describe("escalation chain steps", () => {
  it("runs each step when it falls due, then repeats the last one every period", () => {
    const p = { stepsDone: 0, repeatsDone: 0 };
    expect(runAt(raised, p)).toEqual(["0"]);
    expect(runAt(raised + 4 * MIN, p)).toEqual([]);
    expect(runAt(raised + 5 * MIN, p)).toEqual(["1"]);
    expect(runAt(raised + 10 * MIN, p)).toEqual(["2"]);
    expect(runAt(raised + 20 * MIN - 1, p)).toEqual([]);
    expect(runAt(raised + 20 * MIN, p)).toEqual(["3"]);
    expect(runAt(raised + 34 * MIN, p)).toEqual([]);
    expect(runAt(raised + 35 * MIN, p)).toEqual(["3r1"]);
    expect(runAt(raised + 50 * MIN, p)).toEqual(["3r2"]);
  });

  it("after a pause catches up one step at a time, skipping none and repeating none", () => {
    const p = { stepsDone: 1, repeatsDone: 0 };
    expect(runAt(raised + 36 * MIN, p)).toEqual(["1", "2", "3", "3r1"]);
    expect(runAt(raised + 36 * MIN, p)).toEqual([]);
  });

  it("without a repeat period stops after the last step", () => {
    const once = { ...chain, repeatEveryMin: null };
    expect(dueStep(once, raised, { stepsDone: 4, repeatsDone: 0 }, raised + 999 * MIN)).toBeNull();
  });

  it("picks the hall's own chain before the one for every hall, by severity", () => {
    const hall = { ...chain, id: "h1", hallId: "h1" };
    const major = { ...chain, id: "major", severity: "major" as const };
    expect(chainFor([chain, hall, major], { hallId: "h1", severity: "critical" })?.id).toBe("h1");
    expect(chainFor([chain, hall, major], { hallId: "h2", severity: "critical" })?.id).toBe("critical");
    expect(chainFor([chain, hall], { hallId: "h2", severity: "minor" })).toBeNull();
  });
});
