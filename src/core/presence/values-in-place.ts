/**
 * The latest values of a device, kept in the objects already held when a reading has the same shape (the same keys,
 * arrays of the same length), so each reading's parsed objects die young instead of being promoted and replaced a
 * few seconds later: at a province's rate that churn was what made the old-generation collections long. Returns
 * the object to hold: `held` updated in place, or `next` itself when the shapes differ or nothing is held.
 *
 * Whoever keeps a device's values beyond the current turn (an alert's history entry) must copy them.
 */
export function keepLatestValues<T extends object>(held: T | null, next: T): T {
  if (held === null || held === next || !sameKeys(held, next)) return next;
  assignInto(held as Record<string, unknown>, next as Record<string, unknown>);
  return held;
}

function assignInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key in source) {
    const from = source[key];
    const to = target[key];
    if (typeof from === "object" && from !== null && typeof to === "object" && to !== null) {
      if (Array.isArray(from)) {
        if (Array.isArray(to) && to.length === from.length) assignItems(to, from);
        else target[key] = from;
      } else if (!Array.isArray(to) && sameKeys(to, from))
        assignInto(to as Record<string, unknown>, from as never);
      else target[key] = from;
    } else target[key] = from;
  }
}

function assignItems(target: unknown[], source: unknown[]): void {
  for (let i = 0; i < source.length; i++) {
    const from = source[i];
    const to = target[i];
    if (
      typeof from === "object" &&
      from !== null &&
      !Array.isArray(from) &&
      typeof to === "object" &&
      to !== null &&
      !Array.isArray(to) &&
      sameKeys(to, from)
    )
      assignInto(to as Record<string, unknown>, from as Record<string, unknown>);
    else target[i] = from;
  }
}

/** Both have exactly the same own keys (in any order). */
function sameKeys(a: object, b: object): boolean {
  let count = 0;
  for (const key in b) {
    if (!Object.hasOwn(a, key)) return false;
    count += 1;
  }
  for (const _ in a) count -= 1;
  return count === 0;
}
