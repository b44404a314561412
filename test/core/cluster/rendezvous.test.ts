import { describe, expect, it } from "vitest";
import { assignHalls, ownerOf, rendezvousScore } from "../../../src/core/cluster/rendezvous.js";

const halls = (n: number, name = (i: number) => `hall-${i}`) => Array.from({ length: n }, (_, i) => name(i));
const realHalls = (n: number) => {
  const districts = ["xicheng", "dongcheng", "haidian", "chaoyang", "fengtai"];
  return halls(
    n,
    (i) => `hall-bj-${districts[i % districts.length]}-${String(Math.floor(i / 5) + 1).padStart(3, "0")}`,
  );
};

function sizes(assignment: Map<string, string[]>): number[] {
  return [...assignment.values()].map((list) => list.length);
}

function expectEven(assignment: Map<string, string[]>, total: number, nodes: number): void {
  const even = total / nodes;
  for (const size of sizes(assignment)) {
    expect(size).toBeGreaterThanOrEqual(Math.floor(even * 0.8));
    expect(size).toBeLessThanOrEqual(Math.ceil(even * 1.2));
  }
  expect(sizes(assignment).reduce((a, b) => a + b, 0)).toBe(total);
}

function ownerMap(hallIds: string[], nodes: string[]): Map<string, string | null> {
  return new Map(hallIds.map((h) => [h, ownerOf(h, nodes)]));
}

describe("rendezvous assignment of halls to live nodes", () => {
  it("spreads 60 halls over 3 nodes within ±20 % of even", () => {
    expectEven(assignHalls(halls(60), ["node-a", "node-b", "node-c"]), 60, 3);
  });

  it("spreads 600 halls and real-looking hall ids within ±20 % of even", () => {
    expectEven(assignHalls(halls(600), ["node-a", "node-b", "node-c"]), 600, 3);
    expectEven(assignHalls(realHalls(60), ["node-a", "node-b", "node-c"]), 60, 3);
    expectEven(assignHalls(realHalls(600), ["node-1", "node-2", "node-3"]), 600, 3);
    expectEven(
      assignHalls(realHalls(600), ["hallwatch-1", "hallwatch-2", "hallwatch-3", "hallwatch-4"]),
      600,
      4,
    );
  });

  it("spreads within ±20 % of even whatever the node and hall names (bounded loads)", () => {
    const pad = (i: number) => String(i + 1).padStart(2, "0");
    expectEven(
      assignHalls(
        halls(60, (i) => `hall-${pad(i)}`),
        ["node1", "node2", "node3"],
      ),
      60,
      3,
    );
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed.toString(36);
    };
    for (let round = 0; round < 30; round += 1) {
      const nodes = Array.from({ length: 2 + (round % 4) }, () => `n-${random()}`);
      const total = 20 + round * 7;
      expectEven(
        assignHalls(
          halls(total, () => `h-${random()}`),
          nodes,
        ),
        total,
        nodes.length,
      );
    }
  });

  it("lists every live node, even one that gets no hall, and gives no owner without live nodes", () => {
    const assignment = assignHalls([], ["b", "a"]);
    expect([...assignment.keys()].sort()).toEqual(["a", "b"]);
    expect(ownerOf("hall-1", [])).toBeNull();
    expect(assignHalls(["hall-1"], []).size).toBe(0);
  });

  it("moves only the removed node's halls when a node leaves", () => {
    const ids = realHalls(600);
    const before = ownerMap(ids, ["node-a", "node-b", "node-c"]);
    const after = ownerMap(ids, ["node-a", "node-c"]);
    for (const hall of ids) {
      if (before.get(hall) !== "node-b") expect(after.get(hall)).toBe(before.get(hall));
      else expect(after.get(hall)).not.toBe("node-b");
    }
  });

  it("moves about 1/n of the halls, all to the new node, when a node joins", () => {
    const ids = realHalls(600);
    const before = ownerMap(ids, ["node-a", "node-b", "node-c"]);
    const after = ownerMap(ids, ["node-a", "node-b", "node-c", "node-d"]);
    let moved = 0;
    for (const hall of ids) {
      if (after.get(hall) === before.get(hall)) continue;
      moved += 1;
      expect(after.get(hall)).toBe("node-d");
    }
    expect(moved).toBeGreaterThanOrEqual((600 / 4) * 0.8);
    expect(moved).toBeLessThanOrEqual((600 / 4) * 1.2);
  });

  it("is deterministic whatever the order of the inputs, and ignores duplicate nodes", () => {
    const ids = realHalls(120);
    const nodes = ["node-c", "node-a", "node-b"];
    const a = assignHalls(ids, nodes);
    const b = assignHalls([...ids].reverse(), [...nodes].reverse().concat("node-a"));
    for (const node of nodes)
      expect([...(b.get(node) ?? [])].sort()).toEqual([...(a.get(node) ?? [])].sort());
    for (const hall of ids) expect(ownerOf(hall, nodes)).toBe(ownerOf(hall, ["node-b", "node-a", "node-c"]));
  });

  it("scores with a stable hash: the same pair always scores the same, different pairs differ", () => {
    expect(rendezvousScore("node-a", "hall-1")).toBe(rendezvousScore("node-a", "hall-1"));
    expect(rendezvousScore("node-a", "hall-1")).not.toBe(rendezvousScore("node-b", "hall-1"));
    // The separator keeps ("ab", "c") and ("a", "bc") apart.
    expect(rendezvousScore("ab", "c")).not.toBe(rendezvousScore("a", "bc"));
    // Pinned, so a change of hash (which would move halls between nodes of different versions) is a visible choice.
    expect(rendezvousScore("node-a", "hall-bj-xicheng-001").toString(16)).toMatchInlineSnapshot(
      `"2072e6db90cbe1da"`,
    );
  });
});
