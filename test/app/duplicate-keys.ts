/**
 * The keys that occur twice in one object of a JSON text (JSON.parse keeps only the last, so it cannot tell).
 * Returns them as `depth:key`; [] when every object's keys are distinct.
 */
export function duplicateKeys(text: string): string[] {
  const found: string[] = [];
  // Open containers: an object's keys so far and whether a key comes next, or an array.
  const open: ({ keys: Set<string>; expectKey: boolean } | "array")[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const top = open[open.length - 1];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (top && top !== "array" && top.expectKey) {
        const key = text.slice(i + 1, j);
        if (top.keys.has(key)) found.push(`${open.length}:${key}`);
        top.keys.add(key);
        top.expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === "{") open.push({ keys: new Set(), expectKey: true });
    else if (c === "[") open.push("array");
    else if (c === "}" || c === "]") open.pop();
    else if (c === "," && top && top !== "array") top.expectKey = true;
    i += 1;
  }
  return found;
}
