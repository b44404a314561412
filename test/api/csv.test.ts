import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "../../src/api/csv.js";

describe("CSV cells", () => {
  it("keeps text that a spreadsheet would run as a formula as text", () => {
    for (const start of ["=", "+", "-", "@", "\t", "\r"])
      expect(csvCell(`${start}1+1`).replace(/^"/, "")).toMatch(/^'/);
    expect(csvCell("=1,2")).toBe(`"'=1,2"`);
  });

  it("quotes commas, quotes and line breaks; leaves numbers, empties and plain text alone", () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(-3.5)).toBe("-3.5");
    expect(csvCell(null)).toBe("");
    expect(csvCell("凭条打印机卡纸")).toBe("凭条打印机卡纸");
    expect(
      toCsv([
        ["a", 1],
        ["b", null],
      ]),
    ).toBe("\uFEFFa,1\r\nb,\r\n");
  });
});
