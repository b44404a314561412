/** Stable codes for what a fault request can get wrong; the control server maps them to HTTP statuses. */
export type SimulatorErrorCode = "unknown_hall" | "unknown_device" | "unknown_fault" | "unknown_agent";

export class SimulatorError extends Error {
  constructor(
    readonly code: SimulatorErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SimulatorError";
  }
}
