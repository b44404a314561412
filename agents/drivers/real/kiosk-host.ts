import type { KioskValues } from "../../../src/contract/index.js";
import type { DeviceDriver, DeviceSpec } from "../../runtime/driver.js";
import { readCupsPrinter } from "./cups-printer.js";
import { HostMetricsReader } from "./host-metrics.js";
import { probeHttp } from "./http-probe.js";

export interface KioskHostOptions {
  /** Health URL of the self-service application. */
  appHealthUrl: string;
  /** CUPS queue of the receipt printer; without it the printer is reported "offline". */
  cupsPrinter?: string;
  diskPath?: string;
}

/** A real kiosk PC: host load, the app's health endpoint and the receipt printer through CUPS. */
export class KioskHostDriver implements DeviceDriver<"kiosk"> {
  private readonly host: HostMetricsReader;

  constructor(
    readonly spec: DeviceSpec<"kiosk">,
    private readonly options: KioskHostOptions,
  ) {
    this.host = new HostMetricsReader(options.diskPath);
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
