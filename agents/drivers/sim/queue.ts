import type { PrinterState, QueueValues } from "../../../src/contract/index.js";
import type { DeviceSpec } from "../../runtime/driver.js";
import { SimDriver } from "./base.js";
import { Drift, round } from "./random.js";
import { SimRemoteActions } from "./remote-actions.js";

export const QUEUE_FAULTS = [
  "congestion",
  "printer_jam",
  "paper_out",
  "paper_low",
  "display_fault",
  "voice_fault",
  "app_down",
] as const;

export class SimQueue extends SimDriver<"queue"> {
  readonly faultNames = QUEUE_FAULTS;
  private readonly waiting = new Drift(6, 0, 14, 1.5, this.random);
  private issued = 0;
  private called = 0;
  private paperPct = 70;
  readonly actions: SimRemoteActions;

  constructor(spec: DeviceSpec<"queue">, seed: number) {
    super(spec, seed);
    this.actions = new SimRemoteActions(spec.id);
  }

  restartApp(): Promise<string> {
    return this.actions.restartApp();
  }

  rebootHost(): Promise<string> {
    return this.actions.rebootHost();
  }

  read(): QueueValues {
    this.actions.assertHostUp();
    const waitingTotal = Math.round(this.has("congestion") ? 28 + this.random() * 6 : this.waiting.next());
    if (this.random() < 0.3) this.issued += 1;
    this.called = Math.max(this.called, this.issued - waitingTotal);
    const billing = Math.round(waitingTotal * 0.6);
    let printerState: PrinterState = "ok";
    if (this.has("printer_jam")) printerState = "jam";
    else if (this.has("paper_out")) printerState = "paper_out";
    else if (this.has("paper_low")) printerState = "paper_low";
    const paperPct = this.has("paper_out") ? 0 : this.has("paper_low") ? 9 : this.paperPct;
    return {
      appOk: !this.has("app_down") && !this.actions.appRestarting(),
      printerState,
      paperPct,
      waitingTotal,
      waitingByService: { billing, sim: waitingTotal - billing },
      longestWaitSec: round(
        this.has("congestion") ? 2100 + this.random() * 300 : 120 + waitingTotal * 60 * this.random(),
      ),
      countersOpen: 4,
      ticketsIssuedToday: this.issued,
      ticketsCalledToday: this.called,
      displaysOk: !this.has("display_fault"),
      voiceOk: !this.has("voice_fault"),
    };
  }
}
