import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { PrinterState } from "../../../src/contract/index.js";

const run = promisify(execFile);

/**
 * Maps `lpstat -p <printer> -l` output (CUPS) to a printer state. CUPS reports problems as
 * printer-state-reasons in the "Alerts:" line (e.g. media-jam-error, media-empty-warning) and a disabled
 * or stopped queue in the first line.
 */
export function parseLpstat(output: string): { state: PrinterState; reasons: string[] } {
  const text = output.toLowerCase();
  if (text.trim() === "" || /(invalid destination|unknown printer|not exist)/.test(text)) {
    return { state: "offline", reasons: ["not-found"] };
  }
  const alerts = /alerts:\s*(.*)/.exec(text)?.[1] ?? "";
  const reasons = alerts
    .split(/[\s,]+/)
    .map((r) => r.trim())
    .filter((r) => r.length > 0 && r !== "none");
  const has = (pattern: RegExp) => reasons.some((r) => pattern.test(r));
  if (has(/^media-jam/) || has(/^jam/)) return { state: "jam", reasons };
  if (has(/^(media-empty|media-needed)/)) return { state: "paper_out", reasons };
  if (has(/^(door-open|cover-open)/)) return { state: "cover_open", reasons };
  if (/\bdisabled\b/.test(text) || has(/^(offline|shutdown|connecting-to-device|paused)/))
    return { state: "offline", reasons };
  if (has(/^media-low/)) return { state: "paper_low", reasons };
  return { state: "ok", reasons };
}

/** Asks CUPS for a printer's state; a missing `lpstat` or printer counts as offline. */
export async function readCupsPrinter(printer: string, timeoutMs = 5000): Promise<PrinterState> {
  try {
    const { stdout } = await run("lpstat", ["-p", printer, "-l"], { timeout: timeoutMs });
    return parseLpstat(stdout).state;
  } catch (err) {
    const stdout = (err as { stdout?: string }).stdout ?? "";
    return parseLpstat(stdout).state;
  }
}
