import type { KioskValues, PrinterState } from "../../../src/contract/index.js";
import type { DeviceSpec, Screenshot } from "../../runtime/driver.js";
import { SimDriver } from "./base.js";
import { Drift, round } from "./random.js";
import { SimRemoteActions } from "./remote-actions.js";

export const KIOSK_FAULTS = [
  "paper_jam",
  "paper_low",
  "paper_out",
  "printer_offline",
  "cover_open",
  "app_down",
  "disk_full",
  "screen_fault",
  "card_reader_fault",
] as const;

export class SimKiosk extends SimDriver<"kiosk"> {
  readonly faultNames = KIOSK_FAULTS;
  private readonly cpu = new Drift(15, 2, 60, 4, this.random);
  private readonly mem = new Drift(45, 30, 70, 1, this.random);
  private readonly disk = new Drift(55, 40, 75, 0.05, this.random);
  private paperPct = 60 + this.random() * 40;
  readonly actions: SimRemoteActions;

  constructor(spec: DeviceSpec<"kiosk">, seed: number) {
    super(spec, seed);
    this.actions = new SimRemoteActions(spec.id);
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

  read(): KioskValues {
    this.actions.assertHostUp();
    if (!this.has("paper_low") && !this.has("paper_out"))
      this.paperPct = Math.max(20, this.paperPct - this.random() * 0.2);
    const paperPct = this.has("paper_out") ? 0 : this.has("paper_low") ? 8 : this.paperPct;
    let printerState: PrinterState = "ok";
    if (this.has("printer_offline")) printerState = "offline";
    else if (this.has("paper_jam")) printerState = "jam";
    else if (this.has("cover_open")) printerState = "cover_open";
    else if (this.has("paper_out")) printerState = "paper_out";
    else if (this.has("paper_low")) printerState = "paper_low";
    return {
      appOk: !this.has("app_down") && !this.actions.appRestarting(),
      screenOk: !this.has("screen_fault"),
      touchOk: !this.has("screen_fault"),
      printerState,
      paperPct: round(paperPct),
      cardReaderOk: !this.has("card_reader_fault"),
      cpuPct: round(this.has("app_down") ? 1 : this.cpu.next()),
      memPct: round(this.mem.next()),
      diskPct: round(this.has("disk_full") ? 96 : this.disk.next()),
    };
  }

  protected override onFaultChange(fault: string, active: boolean): void {
    if (!active && (fault === "paper_low" || fault === "paper_out")) this.paperPct = 100; // refilled
  }
}
