import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kioskValues, type RawAgent } from "../helpers/raw-agent.js";
import { waitFor } from "../helpers/wait.js";
import { LiveStack } from "./live-stack.js";

const HALL = "assign-hall";
const OTHER = "other-hall";
const T = 15_000;
const NASTY_NAME = '=HYPERLINK("http://evil","click"), "quoted"\nline';

/** Parses RFC 4180 CSV (quoted cells with "" and line breaks inside). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) rows.push([...row, cell]);
  return rows;
}

describe("assigning an alert to a person of its hall, and the alert list as CSV (HTTP, real stack)", {
  timeout: 60_000,
}, () => {
  const stack = new LiveStack();
  let agent: RawAgent;
  let duty = "";
  let floor = "";
  let maint = "";
  let otherHall = "";
  let alertId = "";

  beforeAll(async () => {
    await stack.start();
    await stack.hall(HALL);
    await stack.hall(OTHER);
    agent = await stack.agent(HALL, "assign-agent", [
      { id: "kiosk-1", kind: "kiosk", model: "K1", zone: "lobby", reportIntervalSec: 10, name: NASTY_NAME },
    ]);
    duty = await stack.user("duty1", ["duty_manager"], [HALL]);
    floor = await stack.user("floor1", ["floor_staff"], [HALL]);
    maint = await stack.user("maint1", ["maintenance"], [HALL]);
    otherHall = await stack.user("floor2", ["floor_staff"], [OTHER]);
    await agent.telemetry("kiosk-1", { ...kioskValues, printerState: "jam" });
    const alert = await waitFor(
      async () =>
        (
          await stack.ok<{ items: { id: string }[] }>(
            "GET",
            `/api/alerts?hallId=${HALL}&faultType=printer_jam&status=active`,
          )
        ).items[0],
      "printer_jam alert",
      T,
    );
    alertId = alert.id;
  });

  afterAll(async () => {
    await stack.close();
  });

  it("documents the new endpoints in the OpenAPI document", async () => {
    const doc = await stack.ok("GET", "/api/openapi.json");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/alerts/{id}/assign", "/api/alerts.csv", "/api/halls/{hallId}/people"]),
    );
    const body = doc.paths["/api/alerts/{id}/assign"].post.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(["username"]);
  });

  it("records the readings that raised the alert on its history", async () => {
    const detail = await stack.ok("GET", `/api/alerts/${alertId}`, undefined, duty);
    const opened = detail.history.find((h: { action: string }) => h.action === "opened");
    expect(opened.detail.values).toMatchObject({ printerState: "jam", paperPct: kioskValues.paperPct });
  });

  it("lists the people of a hall for the assign form, only to those who see the hall", async () => {
    const people = await stack.ok("GET", `/api/halls/${HALL}/people`, undefined, duty);
    const names = people.items.map((u: { username: string }) => u.username);
    expect(names).toEqual(expect.arrayContaining(["duty1", "floor1", "maint1"]));
    expect(names).not.toContain("floor2");
    expect(people.items.find((u: { username: string }) => u.username === "floor1")).toEqual({
      username: "floor1",
      displayName: "floor1",
      roles: ["floor_staff"],
    });
    expect((await stack.call("GET", `/api/halls/${HALL}/people`, undefined, otherHall)).status).toBe(403);
  });

  it("refuses an assignee outside the hall, unknown, or whose role the alert is not for; and callers who may not assign", async () => {
    const assign = (username: unknown, token = duty) =>
      stack.call("POST", `/api/alerts/${alertId}/assign`, { username }, token);
    const other = await assign("floor2");
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe("assignee_not_in_hall");
    const unknown = await assign("nobody");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe("assignee_not_in_hall");
    // A printer jam is for floor staff (and the duty manager): maintenance is not who handles it.
    const wrongRole = await assign("maint1");
    expect(wrongRole.status).toBe(400);
    expect(wrongRole.body.error.code).toBe("assignee_role");
    expect((await assign(42)).status).toBe(400);
    // Floor staff act on their alerts but do not hand them out; another hall cannot even see it.
    expect((await assign("floor1", floor)).status).toBe(403);
    expect((await assign("floor1", maint)).status).toBe(404);
    expect((await assign("floor1", otherHall)).status).toBe(404);
    const detail = await stack.ok("GET", `/api/alerts/${alertId}`, undefined, duty);
    expect(detail.assignee ?? null).toBeNull();
  });

  it("assigns to a person of the hall: on the alert, its timeline, the audit log and the live stream", async () => {
    const events: string[] = [];
    const controller = new AbortController();
    const streamed = fetch(`${stack.at.httpUrl}/api/alerts/stream`, {
      headers: { authorization: `Bearer ${duty}` },
      signal: controller.signal,
    }).then(async (response) => {
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        events.push(decoder.decode(value));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const assigned = await stack.ok("POST", `/api/alerts/${alertId}/assign`, { username: "floor1" }, duty);
    expect(assigned.assignee).toMatchObject({ username: "floor1", by: "duty1" });
    const detail = await stack.ok("GET", `/api/alerts/${alertId}`, undefined, floor);
    expect(detail.assignee.username).toBe("floor1");
    expect(detail.history.at(-1)).toMatchObject({
      action: "assigned",
      by: "duty1",
      detail: { assignee: "floor1" },
    });
    const audit = await stack.ok("GET", "/api/audit?actor=duty1");
    expect(audit.items[0]).toMatchObject({ action: "alert_assigned", target: alertId });
    await waitFor(
      async () => events.join("").includes('"action":"assigned"') || null,
      "the assignment on the live stream",
      T,
    );
    const event = events
      .join("")
      .split("\n")
      .find((line) => line.startsWith("data:") && line.includes('"action":"assigned"'))!;
    expect(JSON.parse(event.slice(5)).alert.assignee).toMatchObject({ username: "floor1" });
    controller.abort();
    await streamed.catch(() => undefined);
  });

  it("exports the filtered list as CSV: same rows as the API, escaped, no formulas", async () => {
    // Admins may force a resolve; the reason is free text that must not become a formula either.
    await stack.ok("POST", `/api/alerts/${alertId}/resolve`, { reason: "@SUM(1+1)", force: true });
    const response = await fetch(`${stack.at.httpUrl}/api/alerts.csv?hallId=${HALL}&lang=en`, {
      headers: { authorization: `Bearer ${duty}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="alerts-assign-hall-\d{8}\.csv"$/,
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // Excel reads UTF-8 (Chinese) only with the BOM
    const [header, ...rows] = parseCsv(new TextDecoder().decode(bytes)); // the decoder drops the BOM
    const api = await stack.ok("GET", `/api/alerts?hallId=${HALL}&limit=500`, undefined, duty);
    expect(rows.map((r) => r[header!.indexOf("id")])).toEqual(api.items.map((a: { id: string }) => a.id));
    const row = rows.find((r) => r[header!.indexOf("id")] === alertId)!;
    const cell = (name: string) => row[header!.indexOf(name)];
    expect(cell("device_name")).toBe(`'${NASTY_NAME}`);
    expect(cell("resolved_reason")).toBe("'@SUM(1+1)");
    expect(cell("assignee")).toBe("floor1");
    expect(cell("fault")).toBe("printer_jam");
    expect(cell("summary")).toBe("Receipt printer jammed");
    expect(cell("opened_local")).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    // Scoped like the list: another hall's user gets the header only.
    const other = await fetch(`${stack.at.httpUrl}/api/alerts.csv?hallId=${HALL}`, {
      headers: { authorization: `Bearer ${otherHall}` },
    });
    expect(parseCsv(await other.text())).toHaveLength(1);
  });
});
