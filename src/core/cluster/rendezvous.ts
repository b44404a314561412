/**
 * Which live node owns which hall: rendezvous (highest-random-weight) hashing. Every node scores each (node, hall)
 * pair with the same stable hash and the hall goes to the highest score, so all nodes agree on the owner without
 * talking to each other, the spread is even, and a node leaving moves only its own halls (a node joining takes
 * about 1/n of everyone's). Pure: no I/O, no clock.
 */

const FNV_OFFSET_HI = 0xcbf29ce4;
const FNV_OFFSET_LO = 0x84222325;
/** The 64-bit FNV prime is 2^40 + 0x1b3. */
const FNV_PRIME_LOW_BITS = 0x1b3;
const TWO_32 = 4_294_967_296;
const MASK_64 = (1n << 64n) - 1n;
const encoder = new TextEncoder();

/**
 * The 64-bit score of `nodeId` for `hallId`: FNV-1a over the UTF-8 bytes of `${nodeId}\0${hallId}`, then
 * MurmurHash3's fmix64 finaliser, because plain FNV-1a of ids that differ only in their last characters
 * (`hall-bj-xicheng-001`, `…-002`) is poorly mixed in the high bits that decide the comparison. Changing this
 * function moves halls between nodes running different versions: keep it stable.
 */
export function rendezvousScore(nodeId: string, hallId: string): bigint {
  const bytes = encoder.encode(`${nodeId}\0${hallId}`);
  let hi = FNV_OFFSET_HI;
  let lo = FNV_OFFSET_LO;
  for (const byte of bytes) {
    lo = (lo ^ byte) >>> 0;
    // h * (2^40 + 0x1b3) mod 2^64 in two 32-bit halves; every intermediate stays below 2^53, so it is exact.
    const lowProduct = lo * FNV_PRIME_LOW_BITS;
    const highProduct = hi * FNV_PRIME_LOW_BITS + Math.floor(lowProduct / TWO_32) + ((lo << 8) >>> 0);
    lo = lowProduct >>> 0;
    hi = highProduct >>> 0;
  }
  return fmix64((BigInt(hi) << 32n) | BigInt(lo));
}

function fmix64(input: bigint): bigint {
  let k = input;
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & MASK_64;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & MASK_64;
  k ^= k >> 33n;
  return k;
}

/**
 * The live node `hallId` prefers (its highest score), or null when no node is live. Independent of the order of
 * `liveNodeIds`. The owner is this node unless it is full (see assignHalls).
 */
export function ownerOf(hallId: string, liveNodeIds: readonly string[]): string | null {
  let best: string | null = null;
  let bestScore = -1n;
  for (const node of liveNodeIds) {
    const score = rendezvousScore(node, hallId);
    // A tie (practically never) goes to the smaller id, so the answer never depends on the input order.
    if (score > bestScore || (score === bestScore && best !== null && node < best)) {
      best = node;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Every live node (even one given no hall) with the halls it owns, in the order of `hallIds`: rendezvous with
 * bounded loads. Plain rendezvous spreads evenly only on average (60 halls over 3 nodes can come out 30/19/11), so
 * each node takes at most ceil(halls / nodes): the halls, in id order, each go to their highest-scoring node that
 * still has room. Every node still computes the same answer from the same inputs, a node joining or leaving still
 * moves few halls besides its own share (a hall displaced by the cap may follow), and no node holds more than one
 * hall above an even share.
 */
export function assignHalls(
  hallIds: readonly string[],
  liveNodeIds: readonly string[],
): Map<string, string[]> {
  const nodes = [...new Set(liveNodeIds)].sort();
  const assignment = new Map<string, string[]>(nodes.map((node) => [node, []]));
  if (nodes.length === 0) return assignment;
  const unique = [...new Set(hallIds)];
  const capacity = Math.ceil(unique.length / nodes.length);
  const load = new Map<string, number>(nodes.map((node) => [node, 0]));
  const owners = new Map<string, string>();
  for (const hallId of [...unique].sort()) {
    const ranked = nodes
      .map((node) => ({ node, score: rendezvousScore(node, hallId) }))
      .sort((a, b) => (a.score > b.score ? -1 : a.score < b.score ? 1 : a.node < b.node ? -1 : 1));
    const owner = ranked.find((r) => (load.get(r.node) ?? 0) < capacity)?.node as string;
    load.set(owner, (load.get(owner) ?? 0) + 1);
    owners.set(hallId, owner);
  }
  for (const hallId of unique) assignment.get(owners.get(hallId) as string)?.push(hallId);
  return assignment;
}
