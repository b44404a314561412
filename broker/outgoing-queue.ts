import Denque from "denque";

/** The fields of an Aedes packet that a client's outgoing queue is searched by. */
export interface OutgoingPacket {
  brokerId?: string;
  brokerCounter?: number;
  messageId?: number;
}

interface Entry<P extends OutgoingPacket> {
  packet: P;
  /** Position in enqueue order: the first match in this order wins, as in Aedes' array search. */
  seq: number;
  live: boolean;
}

/** A lookup key to the entries holding it, in enqueue order (almost always one). */
class MultiIndex<K, P extends OutgoingPacket> {
  private readonly entries = new Map<K, Entry<P>[]>();

  add(key: K, entry: Entry<P>): void {
    const list = this.entries.get(key);
    if (!list) {
      this.entries.set(key, [entry]);
      return;
    }
    let at = list.length;
    while (at > 0 && (list[at - 1] as Entry<P>).seq > entry.seq) at -= 1;
    list.splice(at, 0, entry);
  }

  remove(key: K, entry: Entry<P>): void {
    const list = this.entries.get(key);
    if (!list) return;
    const at = list.indexOf(entry);
    if (at < 0) return;
    if (list.length === 1) this.entries.delete(key);
    else list.splice(at, 1);
  }

  first(key: K, accept: (entry: Entry<P>) => boolean = () => true): Entry<P> | undefined {
    const list = this.entries.get(key);
    if (!list) return undefined;
    for (const entry of list) if (accept(entry)) return entry;
    return undefined;
  }
}

/** Dead entries at the queue's head are dropped at once; elsewhere the queue is compacted past this share. */
const COMPACT_WHEN_DEAD_OVER = 0.5;
const COMPACT_MIN_DEAD = 1024;

/**
 * One client's queue of QoS 1/2 packets not yet acknowledged, with the semantics of aedes-persistence's in-memory
 * array (enqueue order; update by broker id and counter, else by message id from another broker; clear the first
 * with the message id) but with each lookup in a Map instead of a search of the whole array and a splice.
 *
 * A persistent session with thousands of packets in flight (the aggregator under a burst) made the array's search
 * per delivery and its splice per PUBACK the broker's largest cost; see docs/performance.md.
 */
export class OutgoingQueue<P extends OutgoingPacket> {
  private readonly order = new Denque<Entry<P>>();
  private readonly byCounter = new MultiIndex<string, P>();
  private readonly byMessageId = new MultiIndex<number, P>();
  private nextSeq = 0;
  private dead = 0;

  get size(): number {
    return this.order.length - this.dead;
  }

  enqueue(packet: P): void {
    const entry: Entry<P> = { packet, seq: this.nextSeq++, live: true };
    this.order.push(entry);
    this.index(entry);
  }

  /**
   * Gives the queued packet the message id it was sent with (same broker id and counter), or replaces a packet
   * from another broker that holds the same message id. False when no packet matches.
   */
  update(packet: P): boolean {
    const sameCounter = this.byCounter.first(counterKey(packet));
    const otherBroker =
      packet.messageId === undefined
        ? undefined
        : this.byMessageId.first(packet.messageId, (entry) => entry.packet.brokerId !== packet.brokerId);
    if (sameCounter && (!otherBroker || sameCounter.seq < otherBroker.seq)) {
      if (sameCounter.packet.messageId !== packet.messageId) {
        this.unindexMessageId(sameCounter);
        sameCounter.packet.messageId = packet.messageId;
        this.indexMessageId(sameCounter);
      }
      return true;
    }
    if (otherBroker) {
      this.unindex(otherBroker);
      otherBroker.packet = packet;
      this.index(otherBroker);
      return true;
    }
    return false;
  }

  /** Removes and returns the first packet sent with this message id. */
  clear(messageId: number | undefined): P | undefined {
    if (messageId === undefined) return undefined;
    const entry = this.byMessageId.first(messageId);
    if (!entry) return undefined;
    this.unindex(entry);
    entry.live = false;
    this.dead += 1;
    this.dropDead();
    return entry.packet;
  }

  /** The live packets in enqueue order: a copy, so that changes while it is read do not move under the reader. */
  snapshot(): P[] {
    const packets: P[] = [];
    for (let i = 0; i < this.order.length; i += 1) {
      const entry = this.order.peekAt(i) as Entry<P>;
      if (entry.live) packets.push(entry.packet);
    }
    return packets;
  }

  private dropDead(): void {
    while (this.order.length > 0 && !(this.order.peekFront() as Entry<P>).live) {
      this.order.shift();
      this.dead -= 1;
    }
    if (this.dead >= COMPACT_MIN_DEAD && this.dead > this.order.length * COMPACT_WHEN_DEAD_OVER) {
      const live = this.order.toArray().filter((entry) => entry.live);
      this.order.clear();
      for (const entry of live) this.order.push(entry);
      this.dead = 0;
    }
  }

  private index(entry: Entry<P>): void {
    this.byCounter.add(counterKey(entry.packet), entry);
    this.indexMessageId(entry);
  }

  private unindex(entry: Entry<P>): void {
    this.byCounter.remove(counterKey(entry.packet), entry);
    this.unindexMessageId(entry);
  }

  private indexMessageId(entry: Entry<P>): void {
    if (entry.packet.messageId !== undefined) this.byMessageId.add(entry.packet.messageId, entry);
  }

  private unindexMessageId(entry: Entry<P>): void {
    if (entry.packet.messageId !== undefined) this.byMessageId.remove(entry.packet.messageId, entry);
  }
}

function counterKey(packet: OutgoingPacket): string {
  return `${packet.brokerId ?? ""}\u0000${packet.brokerCounter ?? 0}`;
}
