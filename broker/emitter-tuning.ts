import type { Aedes } from "aedes";
import Denque from "denque";

/** Nested dispatches past which the next is put off to a later turn (each nesting is a dozen stack frames). */
const MAX_NESTED_DISPATCHES = 50;

interface MqEmitterInternals {
  _messageQueue: unknown;
  _messageCallbacks: unknown;
  _do: (message: unknown, callback: unknown) => unknown;
  current: number;
}

function emitterOf(aedes: Aedes): MqEmitterInternals {
  return (aedes as unknown as { mq: MqEmitterInternals }).mq;
}

/**
 * Aedes delivers at most 100 messages at a time through its mqemitter and queues the rest in two arrays that it
 * empties with shift(), which copies the array: under a backlog (a thousand halls publishing at once) that was
 * 43 % of the broker's CPU. The queues are swapped for Denque (O(1) shift) before any message flows, and deep
 * dispatch chains are broken (see boundNestedDispatch). This reaches into mqemitter's private fields, so it checks
 * they are what it expects and fails at start-up if an upgrade changed them (test/broker/fifo-queues.test.ts).
 */
export function useFifoQueues(aedes: Aedes): void {
  const mq = emitterOf(aedes);
  const queue = mq._messageQueue;
  const callbacks = mq._messageCallbacks;
  if (
    !Array.isArray(queue) ||
    !Array.isArray(callbacks) ||
    queue.length > 0 ||
    callbacks.length > 0 ||
    typeof mq._do !== "function" ||
    typeof mq.current !== "number"
  ) {
    throw new Error(
      "Aedes' mqemitter has changed: its message queues are not where broker/emitter-tuning.ts expects them",
    );
  }
  // Denque has the operations used here and by mqemitter (push, shift, unshift, length), each O(1).
  mq._messageQueue = new Denque<unknown>();
  mq._messageCallbacks = new Denque<unknown>();
  boundNestedDispatch(mq);
}

/**
 * When a message's subscribers all finish at once, mqemitter releases its slot and dispatches the next queued
 * message inside the same call, and so on down the queue: with a backlog of thousands (10,000 halls publishing,
 * the aggregator's session holding them) the stack overflowed and the broker died ("Maximum call stack size
 * exceeded", the open mqemitter issue #204). Past MAX_NESTED_DISPATCHES nested dispatches, the message goes back
 * to the front of the queue with its slot held, and is dispatched on the next turn: order and the concurrency
 * bound are kept.
 */
function boundNestedDispatch(mq: MqEmitterInternals): void {
  const dispatch = mq._do;
  const queue = mq._messageQueue as Denque<unknown>;
  const callbacks = mq._messageCallbacks as Denque<unknown>;
  let nested = 0;
  mq._do = function boundedDispatch(this: MqEmitterInternals, message, callback) {
    if (nested >= MAX_NESTED_DISPATCHES) {
      queue.unshift(message);
      callbacks.unshift(callback);
      this.current += 1; // the slot stays taken, so nothing queued later overtakes it
      setImmediate(() => {
        this.current -= 1;
        const next = queue.shift();
        const nextCallback = callbacks.shift();
        if (next !== undefined) this._do(next, nextCallback);
      });
      return this;
    }
    nested += 1;
    try {
      return dispatch.call(this, message, callback);
    } finally {
      nested -= 1;
    }
  };
}
