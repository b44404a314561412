import { describe, expect, it } from "vitest";
import { type Cell, canonicalValue, summarise } from "../../../src/store/sql/table-checksums.js";

const sum = async (rows: Cell[][], columns = ["a", "b"]) => (await summarise("t", columns, rows)).checksum;

describe("table checksums: one canonical form for what either engine returns", () => {
  it("NULL is not empty text, and text is not a number", () => {
    expect(canonicalValue(null)).not.toBe(canonicalValue(""));
    expect(canonicalValue("1")).not.toBe(canonicalValue(1n));
    expect(canonicalValue("null")).not.toBe(canonicalValue(null));
  });

  it("integers and integral floats share one form; 64-bit integers stay exact past 2^53", () => {
    expect(canonicalValue(3)).toBe(canonicalValue(3n));
    expect(canonicalValue(1764547200000)).toBe(canonicalValue(1764547200000n));
    expect(canonicalValue(9007199254740993n)).toBe("n:9007199254740993");
    expect(canonicalValue(9007199254740993n)).not.toBe(canonicalValue(9007199254740992n));
    expect(canonicalValue(21.5)).toBe("n:21.5");
    expect(canonicalValue(Number("0.1"))).toBe(canonicalValue(0.1));
  });

  it("bytes are hex, whether a Buffer (both drivers) or another Uint8Array view", () => {
    const bytes = Buffer.from([0, 1, 0xfe, 0xff]);
    expect(canonicalValue(bytes)).toBe("x:0001feff");
    expect(canonicalValue(new Uint8Array([9, 0, 0, 1, 0xfe, 0xff]).subarray(2))).toBe("x:0001feff");
    expect(canonicalValue(bytes)).not.toBe(canonicalValue("0001feff"));
  });

  it("a checksum changes with any value, the row order, a split between columns, or a row count", async () => {
    const base = await sum([
      ["营业厅", 1n],
      ["b", null],
    ]);
    expect(
      await sum([
        ["营业厅", 1n],
        ["b", null],
      ]),
    ).toBe(base);
    expect(
      await sum([
        ["营业厅", 1n],
        ["b", ""],
      ]),
    ).not.toBe(base);
    expect(
      await sum([
        ["b", null],
        ["营业厅", 1n],
      ]),
    ).not.toBe(base);
    expect(await sum([["营业厅", 1n]])).not.toBe(base);
    expect(await sum([["a,b", "c"]])).not.toBe(await sum([["a", "b,c"]]));
  });

  it("counts rows from a stream", async () => {
    async function* rows(): AsyncGenerator<Cell[]> {
      for (let i = 0; i < 1200; i++) yield [BigInt(i), `r${i}`];
    }
    expect((await summarise("t", ["id", "v"], rows())).rows).toBe(1200);
  });
});
