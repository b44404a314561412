/**
 * The telemetry field each fault's observed value comes from (src/core/faults/rules/*: `observed`), so the
 * value is shown with its label and unit; `chart` when the field is numeric and worth a sparkline.
 */
export const FAULT_FIELDS: Record<string, { field: string; chart: boolean }> = {
  overheat: { field: "enclosureTempC", chart: true },
  port_fault: { field: "faultyPorts", chart: false },
  ports_half_fault: { field: "faultyPorts", chart: false },
  pressure_out_of_zone: { field: "pressureMpa", chart: true },
  hydrant_low_pressure: { field: "pressureMpa", chart: true },
  high_latency: { field: "latencyMs", chart: true },
  printer_fault: { field: "printerState", chart: false },
  printer_jam: { field: "printerState", chart: false },
  disk_high: { field: "diskPct", chart: true },
  congestion: { field: "waitingTotal", chart: true },
  paper_out: { field: "paperPct", chart: true },
  paper_low: { field: "paperPct", chart: true },
  battery_low: { field: "batteryPct", chart: true },
  tv_not_on: { field: "power", chart: false },
  player_stalled: { field: "playerHeartbeatAgeSec", chart: true },
  offline: { field: "devicesAffected", chart: false },
  not_ready: { field: "devicesAffected", chart: false },
  agent_offline: { field: "devicesAffected", chart: false },
  gateway_down: { field: "devicesAffected", chart: false },
};

/** The field of an alert's observed value; for a fault not listed, the numeric reading equal to it. */
export function observedField(
  faultType: string,
  observed: unknown,
  values: Record<string, unknown> | null,
): string | null {
  const known = FAULT_FIELDS[faultType];
  if (known) return known.field;
  if (values && observed !== null)
    for (const [field, value] of Object.entries(values)) if (value === observed) return field;
  return null;
}
