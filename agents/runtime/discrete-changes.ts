export interface DiscreteChange {
  field: string;
  from: string | boolean | null;
  to: string | boolean | null;
}

/** Flattens the discrete (string / boolean) leaves of a telemetry object: `printerState`, `ports.2.state`. */
export function discreteLeaves(value: unknown, prefix = "", out = new Map<string, string | boolean>()) {
  if (typeof value === "string" || typeof value === "boolean") {
    out.set(prefix, value);
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) discreteLeaves(item, prefix ? `${prefix}.${i}` : String(i), out);
  } else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value))
      discreteLeaves(child, prefix ? `${prefix}.${key}` : key, out);
  }
  return out;
}

/** What changed between two readings of a device; numbers drift all the time and are not events. */
export function discreteChanges(
  before: ReadonlyMap<string, string | boolean> | null,
  after: ReadonlyMap<string, string | boolean>,
): DiscreteChange[] {
  if (before === null) return [];
  const changes: DiscreteChange[] = [];
  for (const [field, to] of after) {
    const from = before.get(field);
    if (from !== to) changes.push({ field, from: from ?? null, to });
  }
  for (const [field, from] of before) {
    if (!after.has(field)) changes.push({ field, from, to: null });
  }
  return changes;
}
