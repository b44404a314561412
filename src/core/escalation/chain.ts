import type { Role, Severity } from "../faults/types.js";

/** Who a step reaches: the people on duty in a roster role of the alert's hall, or one named person. */
export type StepTarget = { onDuty: Role } | { user: string };

export interface ChainStep {
  /** Minutes after the alert was raised. */
  afterMin: number;
  target: StepTarget;
  /** Media to use, in order; empty: the person's preferred medium. */
  via: string[];
}

export interface EscalationChain {
  id: string;
  severity: Severity;
  /** null: every hall without a chain of its own for this severity. */
  hallId: string | null;
  steps: ChainStep[];
  /** The last step is repeated this often until someone acknowledges; null: never. */
  repeatEveryMin: number | null;
}

/** What was done along an alert's chain so far (persisted per alert). */
export interface ChainProgress {
  stepsDone: number;
  repeatsDone: number;
}

export interface DueStep {
  /** Index of the step to run (the last one for a repeat). */
  index: number;
  /** 0 for the step itself, n for its n-th repeat. */
  repeat: number;
  /** When it fell due. */
  dueMs: number;
  /** The progress once it is done. */
  next: ChainProgress;
}

const MIN = 60_000;

/**
 * The next step of a chain that is due at `atMs`, given when the alert was raised and what was done; null when
 * nothing is due. One step per call: after a pause the following calls catch up step by step, so none is skipped.
 */
export function dueStep(
  chain: EscalationChain,
  raisedMs: number,
  done: ChainProgress,
  atMs: number,
): DueStep | null {
  const { steps } = chain;
  if (steps.length === 0) return null;
  if (done.stepsDone < steps.length) {
    const step = steps[done.stepsDone] as ChainStep;
    const dueMs = raisedMs + step.afterMin * MIN;
    if (atMs < dueMs) return null;
    return {
      index: done.stepsDone,
      repeat: 0,
      dueMs,
      next: { stepsDone: done.stepsDone + 1, repeatsDone: 0 },
    };
  }
  if (chain.repeatEveryMin === null) return null;
  const last = steps[steps.length - 1] as ChainStep;
  const repeat = done.repeatsDone + 1;
  const dueMs = raisedMs + last.afterMin * MIN + repeat * chain.repeatEveryMin * MIN;
  if (atMs < dueMs) return null;
  return { index: steps.length - 1, repeat, dueMs, next: { stepsDone: steps.length, repeatsDone: repeat } };
}

/** The chain for an alert: its hall's own for the severity, else the one for every hall; null: none. */
export function chainFor(
  chains: readonly EscalationChain[],
  alert: { hallId: string; severity: Severity },
): EscalationChain | null {
  const bySeverity = chains.filter((c) => c.severity === alert.severity);
  return (
    bySeverity.find((c) => c.hallId === alert.hallId) ?? bySeverity.find((c) => c.hallId === null) ?? null
  );
}
