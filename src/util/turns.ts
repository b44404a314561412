/** One event-loop turn: I/O (incoming messages) runs before what follows. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * For a loop over many devices on the ingest process (an uptime over a province, a report): every `every` calls
 * it gives up the event loop for a turn, so that such a scan (better-sqlite3 answers synchronously) never holds
 * incoming messages and their alerts behind it for longer than a few ms.
 */
export function turnTaker(every = 200): () => Promise<void> | undefined {
  let calls = 0;
  return () => (++calls % every === 0 ? nextTurn() : undefined);
}
