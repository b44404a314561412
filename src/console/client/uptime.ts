import { api } from "./api.js";
import { h, replace } from "./dom.js";
import type { Text } from "./i18n.js";
import type { HallView } from "./types.js";

interface Row {
  hallId: string;
  deviceId: string;
  name: string | null;
  kind: string;
  ratio: number | null;
  downMs: number;
  failures: number;
}

interface Readiness {
  ready: boolean;
  notReady: { deviceId: string; connectivity: string }[];
  openAlerts: { id: string; summary: { en: string; zh: string } }[];
}

interface Window {
  id: string;
  scope: { type: string; kind?: string; deviceId?: string };
  recurrence: { type: string; start?: string; durationMin?: number };
  reason: string;
  createdBy: string;
}

const pct = (r: number | null) => (r === null ? "—" : `${(r * 100).toFixed(2)} %`);

/** Maintenance staff's view: availability per device, the readiness check and the hall's maintenance windows. */
export async function renderUptime(
  root: HTMLElement,
  header: HTMLElement,
  t: Text,
  lang: "zh" | "en",
  rangeDays = 1,
): Promise<void> {
  const halls = (await api<{ items: HallView[] }>("GET", "/api/halls")).items;
  const hallId = halls[0]?.id;
  const fromMs = Date.now() - rangeDays * 86_400_000;
  const [uptime, readiness, windows] = await Promise.all([
    api<{ items: Row[] }>("GET", `/api/uptime?fromMs=${fromMs}`),
    hallId
      ? api<{ report: Readiness }>("GET", `/api/halls/${hallId}/readiness?preview=true`)
      : Promise.resolve(null),
    hallId
      ? api<{ items: Window[] }>("GET", `/api/halls/${hallId}/maintenance-windows`)
      : Promise.resolve({ items: [] }),
  ]);
  const reload = (days: number) => void renderUptime(root, header, t, lang, days);
  const kind = h(
    "select",
    { name: "windowKind" },
    ...["kiosk", "charger", "tv", "queue", "extinguisher", "hydrant", "gateway"].map((k) =>
      h("option", { value: k }, k),
    ),
  );
  const start = h("input", { name: "windowStart", value: "02:00" });
  const duration = h("input", { name: "windowDuration", value: "60", type: "number", min: "1" });
  const reason = h("input", { name: "windowReason", required: true });
  const rows = [...uptime.items].sort((a, b) => (a.ratio ?? 2) - (b.ratio ?? 2));
  replace(
    root,
    header,
    h(
      "section",
      { class: "admin", "data-testid": "uptime" },
      h("h2", {}, t.uptime),
      h(
        "p",
        {},
        h("button", { type: "button", onclick: () => reload(1) }, t.last24h),
        " ",
        h("button", { type: "button", onclick: () => reload(7) }, t.last7d),
        " ",
        h("button", { type: "button", onclick: () => reload(30) }, t.last30d),
      ),
      h(
        "table",
        {},
        h(
          "tr",
          {},
          h("th", {}, t.device),
          h("th", {}, t.kind),
          h("th", {}, t.availability),
          h("th", {}, t.downMin),
          h("th", { title: t.failuresHint }, t.failures),
        ),
        ...rows.map((r) =>
          h(
            "tr",
            { "data-device": r.deviceId },
            h("td", {}, r.name ?? r.deviceId),
            h("td", {}, r.kind),
            h("td", {}, pct(r.ratio)),
            h("td", {}, (r.downMs / 60_000).toFixed(1)),
            h("td", {}, r.failures),
          ),
        ),
      ),
      readiness
        ? h(
            "div",
            { "data-testid": "readiness" },
            h("h2", {}, t.readiness),
            readiness.report.ready ? h("p", { class: "ok" }, t.ready) : null,
            h(
              "p",
              {},
              `${t.notReady}: ${readiness.report.notReady.map((d) => d.deviceId).join(", ") || "—"}`,
            ),
            h(
              "p",
              {},
              `${t.openFaults}: ${readiness.report.openAlerts.map((a) => a.summary[lang]).join("; ") || "—"}`,
            ),
          )
        : null,
      h("h2", {}, t.maintenanceWindows),
      h(
        "ul",
        {},
        ...windows.items.map((w) =>
          h(
            "li",
            {},
            `${w.scope.type} ${w.scope.kind ?? w.scope.deviceId ?? ""} · ${w.recurrence.type} ${w.recurrence.start ?? ""} ${w.recurrence.durationMin ?? ""} · ${w.reason} · ${w.createdBy}`,
          ),
        ),
      ),
      hallId
        ? h(
            "form",
            {
              class: "inline",
              onsubmit: async (e: Event) => {
                e.preventDefault();
                await api("POST", `/api/halls/${hallId}/maintenance-windows`, {
                  scope: { type: "kind", kind: kind.value },
                  recurrence: { type: "daily", start: start.value, durationMin: Number(duration.value) },
                  reason: reason.value,
                }).catch((err: Error) => window.alert(err.message));
                reload(rangeDays);
              },
            },
            h("label", {}, t.kind, kind),
            h("label", {}, t.startTime, start),
            h("label", {}, t.durationMin, duration),
            h("label", {}, t.windowReason, reason),
            h("button", { type: "submit" }, t.addWindow),
          )
        : null,
    ),
  );
}
