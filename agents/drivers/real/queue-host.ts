import { type QueueValues, queueValuesSchema } from "../../../src/contract/index.js";
import type { DeviceDriver, DeviceSpec } from "../../runtime/driver.js";
import { readCupsPrinter } from "./cups-printer.js";
import { type HostActionsOptions, LinuxHostActions } from "./host-actions.js";

export interface QueueHostOptions {
  /** The queue system's status URL returning JSON in the shape of the queue telemetry values. */
  statusUrl: string;
  timeoutMs?: number;
  /** CUPS queue of the ticket printer, when the queue system does not report it (or to trust CUPS over it). */
  cupsPrinter?: string;
  /** Remote actions: the queue app's systemd unit and reboot opt-in. */
  actions?: HostActionsOptions;
}

/**
 * A queue-ticket system that exposes its own status as JSON (most vendors have such an endpoint; an
 * adapter maps other shapes to this one). An unreachable or malformed status means the app is down.
 */
export class QueueHostDriver implements DeviceDriver<"queue"> {
  private last: QueueValues | null = null;
  private readonly actions: LinuxHostActions;

  constructor(
    readonly spec: DeviceSpec<"queue">,
    private readonly options: QueueHostOptions,
  ) {
    this.actions = new LinuxHostActions(options.actions);
  }

  restartApp(): Promise<string> {
    return this.actions.restartApp();
  }

  rebootHost(): Promise<string> {
    return this.actions.rebootHost();
  }

  async read(): Promise<QueueValues> {
    const [values, printerState] = await Promise.all([
      this.readStatus(),
      this.options.cupsPrinter ? readCupsPrinter(this.options.cupsPrinter) : Promise.resolve(null),
    ]);
    return printerState === null ? values : { ...values, printerState };
  }

  private async readStatus(): Promise<QueueValues> {
    try {
      const response = await fetch(this.options.statusUrl, {
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 3000),
      });
      const parsed = queueValuesSchema.safeParse(await response.json());
      if (response.ok && parsed.success) {
        this.last = parsed.data;
        return parsed.data;
      }
    } catch {
      // unreachable or not JSON: reported below as app down
    }
    return {
      ...(this.last ?? { printerState: "offline", waitingTotal: 0, longestWaitSec: 0, countersOpen: 0 }),
      appOk: false,
    };
  }
}
