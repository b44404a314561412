/**
 * One CSV cell (RFC 4180). A text cell that a spreadsheet would read as a formula (it starts with = + - @, a tab
 * or a carriage return) is prefixed with ' so it stays text: device names, comments and reasons are typed by
 * people and agents, and a cell like `=HYPERLINK(…)` must not run when the export is opened. Numbers stay numbers.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows to CSV text, CRLF line ends, with a UTF-8 byte-order mark so spreadsheets read Chinese correctly. */
export function toCsv(rows: readonly (readonly (string | number | boolean | null | undefined)[])[]): string {
  return `\uFEFF${rows.map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
}
