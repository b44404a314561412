// Until halls are shared by leases in the server (docs/scale-out.md), one Hallwatch node at a time may run on a
// PostgreSQL database: a second would process every hall again and raise every alert twice. The lock is
// PostgreSQL's own (a session advisory lock), so a node that dies, even by SIGKILL, frees it with its connection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnotherNodeError, OneNodeGuard, OneNodeLock } from "../../src/cluster/one-node-lock.js";
import { requireInCi } from "../helpers/external-servers.js";
import { advisoryLockHolders, pgQuery } from "../helpers/hallwatch-process.js";
import { PG_BIN, type PostgresServer, startPostgres } from "../helpers/postgres.js";
import { waitFor } from "../helpers/wait.js";

const run = requireInCi(PG_BIN, "PostgreSQL");

describe.skipIf(!run)("one node per PostgreSQL database", () => {
  let server: PostgresServer;
  let url: string;
  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase("onenode");
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  /** Ends a node's lock connection, as its death or a cut network would. */
  const terminate = (nodeId: string) =>
    pgQuery(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [
      `hallwatch-lock-${nodeId}`,
    ]);

  it("refuses a second node while the first runs, naming it, and takes the lock once the first is gone", async () => {
    const first = await OneNodeLock.acquire(url, "node-a");
    await expect(OneNodeLock.acquire(url, "node-b")).rejects.toThrow(
      /another Hallwatch node \(node-a\) is running on this database/,
    );
    await first.release();
    const second = await OneNodeLock.acquire(url, "node-b");

    // A node that dies without releasing (SIGKILL): its connection ends, and with it the lock.
    await terminate("node-b");
    await waitFor(() => second.lost, "the dead node's lock noticed as lost");
    const third = await OneNodeLock.acquire(url, "node-c");
    await third.release();
    await second.release(); // harmless after the loss
  });

  it("a running node takes its lock again after losing its connection, and stops if another node took it", async () => {
    const taken: Error[] = [];
    const guard = await OneNodeGuard.start(url, "node-a", {
      intervalMs: 100,
      onTaken: (err) => taken.push(err),
    });
    try {
      await terminate("node-a"); // the database restarted, or the network cut the lock's connection
      await waitFor(
        async () => (await advisoryLockHolders(url)).includes("hallwatch-lock-node-a"),
        "node-a holds the lock again",
      );
      expect(taken).toEqual([]);

      // While node-a is cut off, node-b starts and takes the lock: node-a must learn it and stop.
      guard.pause();
      await terminate("node-a");
      const b = await waitFor(
        async () => OneNodeLock.acquire(url, "node-b").catch(() => null),
        "node-b started",
      );
      guard.resume();
      await waitFor(() => taken.length === 1, "node-a told that another node runs");
      expect(taken[0]).toBeInstanceOf(AnotherNodeError);
      expect(taken[0]?.message).toMatch(/node-b/);
      await b.release();
    } finally {
      await guard.stop();
    }
  });

  it("refuses with a clear message when the database cannot be reached, without the password", async () => {
    const unreachable = `postgres://hallwatch:Hunter2-Secret@127.0.0.1:${server.port + 1}/none`;
    const error = await OneNodeLock.acquire(unreachable, "node-a").catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/cannot reach the database/);
    expect((error as Error).message).not.toContain("Hunter2-Secret");
  });
});
