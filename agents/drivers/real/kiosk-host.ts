import type { KioskValues } from "../../../src/contract/index.js";
import type { DeviceDriver, DeviceSpec, Screenshot } from "../../runtime/driver.js";
import { readCupsPrinter } from "./cups-printer.js";
import { type HostActionsOptions, LinuxHostActions } from "./host-actions.js";
import { HostMetricsReader } from "./host-metrics.js";
import { probeHttp } from "./http-probe.js";

export interface KioskHostOptions {
  /** Health URL of the self-service application. */
  appHealthUrl: string;
  /** CUPS queue of the receipt printer; without it the printer is reported "offline". */
  cupsPrinter?: string;
  diskPath?: string;
  /** Remote actions: the app's systemd unit, reboot opt-in, screenshot tool. */
  actions?: HostActionsOptions;
}

/** A real kiosk PC: host load, the app's health endpoint and the receipt printer through CUPS. */
export class KioskHostDriver implements DeviceDriver<"kiosk"> {
  private readonly host: HostMetricsReader;
  private readonly actions: LinuxHostActions;

  constructor(
    readonly spec: DeviceSpec<"kiosk">,
    private readonly options: KioskHostOptions,
  ) {
    this.host = new HostMetricsReader(options.diskPath);
    this.actions = new LinuxHostActions(options.actions);
  }

  restartApp(): Promise<string> {
    return this.actions.restartApp();
  }

  rebootHost(): Promise<string> {
    return this.actions.rebootHost();
  }

  screenshot(): Promise<Screenshot> {
    return this.actions.screenshot();
  }

  async read(): Promise<KioskValues> {
    const [metrics, app, printerState] = await Promise.all([
      this.host.read(),
      probeHttp(this.options.appHealthUrl),
      this.options.cupsPrinter
        ? readCupsPrinter(this.options.cupsPrinter)
        : Promise.resolve("offline" as const),
    ]);
    return { appOk: app.ok, printerState, ...metrics };
  }
}
