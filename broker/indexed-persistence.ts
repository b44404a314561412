import { Readable } from "node:stream";
import type { Client } from "aedes";
import type { AedesPacket } from "aedes-packet";
import MemoryPersistence from "aedes-persistence/asyncPersistence.js";
import { OutgoingQueue } from "./outgoing-queue.js";

const { Packet } = MemoryPersistence;

/**
 * Aedes' in-memory persistence with each client's outgoing queue (QoS 1/2 packets awaiting their PUBACK) held in an
 * OutgoingQueue, indexed by broker counter and message id. Everything else (retained messages, subscriptions, wills,
 * incoming QoS 2) is aedes-persistence's own. It passes aedes-persistence's abstract test suite
 * (test/broker/indexed-persistence.test.ts).
 *
 * A client without anything queued holds no entry, so clean-session agents that acknowledge commands leave
 * nothing behind (the array version kept an empty array per client id it ever saw).
 */
export class IndexedMemoryPersistence extends MemoryPersistence {
  private readonly outgoing = new Map<string, OutgoingQueue<AedesPacket>>();

  private queueOf(clientId: string): OutgoingQueue<AedesPacket> {
    let queue = this.outgoing.get(clientId);
    if (!queue) {
      queue = new OutgoingQueue<AedesPacket>();
      this.outgoing.set(clientId, queue);
    }
    return queue;
  }

  private forget(clientId: string, queue: OutgoingQueue<AedesPacket>): void {
    if (queue.size === 0) this.outgoing.delete(clientId);
  }

  override async outgoingEnqueue(sub: { clientId: string }, packet: AedesPacket): Promise<void> {
    this.queueOf(sub.clientId).enqueue(new Packet(packet));
  }

  override async outgoingEnqueueCombi(subs: { clientId: string }[], packet: AedesPacket): Promise<void> {
    for (const sub of subs) this.queueOf(sub.clientId).enqueue(new Packet(packet));
  }

  override async outgoingUpdate(client: Client, packet: AedesPacket): Promise<void> {
    const queue = this.outgoing.get(client.id);
    if (!queue?.update(packet)) throw new Error("no such packet");
  }

  // aedes-persistence's type says it always finds one; like its implementation, it may not.
  override async outgoingClearMessageId(client: Client, packet: AedesPacket): Promise<AedesPacket> {
    const queue = this.outgoing.get(client.id);
    if (!queue) return undefined as unknown as AedesPacket;
    const cleared = queue.clear(packet.messageId);
    this.forget(client.id, queue);
    return cleared as AedesPacket;
  }

  override outgoingStream(client: Client): Readable {
    return Readable.from(this.outgoing.get(client.id)?.snapshot() ?? []);
  }
}
