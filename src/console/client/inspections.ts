import { ApiFailure, api } from "./api.js";
import { formatTime, h, replace } from "./dom.js";
import type { Lang } from "./i18n.js";
import { INSPECTION_TEXT } from "./inspections-i18n.js";
import type { HallView, User } from "./types.js";

interface Asset {
  id: string;
  hallId: string;
  location: string;
  zone: string | null;
  type: string;
  size: string;
  nextServiceDate: string;
  scrapDate: string | null;
  sensorDeviceId: string | null;
  currentStatus?: string | null;
  notDueUntil?: string | null;
}

interface Reading {
  item: string;
  name: string;
  value: number | boolean;
  unit: string | null;
  flagged: boolean;
  note: { en: string; zh: string };
}

interface Action {
  id: string;
  assetId: string;
  item: string;
  openedMs: number;
  openedBy: string;
  closed: { atMs: number; by: string; note: string } | null;
}

interface AssetView {
  asset: Asset;
  retired: boolean;
  checklist: { item: string; text: { en: string; zh: string } }[];
  sensor: { deviceId: string; connectivity: string; lastSeenMs: number | null; readings: Reading[] } | null;
  period: {
    label: string;
    overdueMs: number;
    status: string;
    timeZone: string;
    dueDay: string;
    notDueUntil: string | null;
  };
  openActions: Action[];
  recentRecords: {
    id: string;
    inspectedMs: number;
    inspector: string;
    passed: boolean;
    failedItems: string[];
  }[];
}

const INSPECTORS = ["security", "duty_manager", "admin"];
const path = (hallId: string, assetId: string) =>
  `/api/halls/${encodeURIComponent(hallId)}/fire-assets/${encodeURIComponent(assetId)}`;

/** The page a QR label opens on a guard's phone: the asset, its sensor's readings and the checklist. */
export async function renderInspect(
  root: HTMLElement,
  header: HTMLElement,
  lang: Lang,
  user: User,
  hallId: string,
  assetId: string,
): Promise<void> {
  const t = INSPECTION_TEXT[lang];
  const view = await api<AssetView>("GET", path(hallId, assetId));
  const { asset } = view;
  const zone = view.period.timeZone;
  const canInspect = user.roles.some((r) => INSPECTORS.includes(r)) && !view.retired;
  const choices = new Map<string, "pass" | "fail">();
  const message = h("p", { class: "notice", role: "status", "data-testid": "inspect-message" });

  const flaggedItems = new Set((view.sensor?.readings ?? []).filter((r) => r.flagged).map((r) => r.item));
  const itemRows = view.checklist.map(({ item, text }) => {
    const reading = view.sensor?.readings.find((r) => r.item === item);
    const name = `item-${item}`;
    const option = (value: "pass" | "fail") =>
      h(
        "label",
        { class: `choice ${value}` },
        h("input", {
          type: "radio",
          name,
          value,
          "data-item": item,
          disabled: !canInspect,
          onchange: () => choices.set(item, value),
        }),
        t[value],
      );
    return h(
      "fieldset",
      { class: `check-item${reading?.flagged ? " flagged" : ""}`, "data-testid": `check-${item}` },
      h("legend", {}, text[lang]),
      reading
        ? h(
            "p",
            { class: reading.flagged ? "bad" : "ok" },
            `${reading.name}: ${String(reading.value)}${reading.unit ? ` ${reading.unit}` : ""} — ${reading.note[lang]}`,
          )
        : null,
      reading?.flagged ? h("p", { class: "muted" }, t.flaggedHint) : null,
      option("pass"),
      option("fail"),
    );
  });

  const note = h("textarea", { name: "note", rows: "3", maxlength: "2000", disabled: !canInspect });
  const photo = h("input", {
    type: "file",
    name: "photo",
    accept: "image/*",
    capture: "environment",
    disabled: !canInspect,
  });
  const allPass = h(
    "button",
    {
      type: "button",
      disabled: !canInspect,
      onclick: () => {
        // A sensor flag is answered item by item: "all pass" leaves flagged items for the inspector to decide.
        for (const input of root.querySelectorAll<HTMLInputElement>("input[type=radio][value=pass]")) {
          const item = input.dataset.item as string;
          if (flaggedItems.has(item)) continue;
          input.checked = true;
          choices.set(item, "pass");
        }
        if (flaggedItems.size > 0) {
          replace(message, t.answerFlagged);
          message.className = "notice bad";
        }
      },
    },
    t.allPass,
  );
  const form = h(
    "form",
    {
      class: "inspect",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        if (view.checklist.some(({ item }) => !choices.has(item))) {
          replace(message, t.answerAll);
          return;
        }
        try {
          const result = await api<{ record: { passed: boolean }; alertId: string | null }>(
            "POST",
            `${path(hallId, assetId)}/inspections`,
            {
              results: Object.fromEntries(choices),
              // Only the flagged items the inspector passed one by one are confirmed against the sensor.
              sensorConfirmed: [...flaggedItems].filter((item) => choices.get(item) === "pass"),
              note: note.value.trim() || null,
              photo: await readPhoto(photo),
            },
          );
          replace(message, result.record.passed ? t.submitted : `${t.submitted}. ${t.failedOpened}`);
          message.className = result.record.passed ? "notice ok" : "notice bad";
          for (const el of form.querySelectorAll<HTMLInputElement | HTMLButtonElement>(
            "input,button,textarea",
          ))
            el.disabled = true;
        } catch (err) {
          replace(message, err instanceof ApiFailure ? err.message : String(err));
          message.className = "notice bad";
        }
      },
    },
    h("h2", {}, t.checklist),
    allPass,
    ...itemRows,
    h("label", {}, t.note, note),
    h("label", {}, t.photo, photo),
    h("button", { type: "submit", class: "primary", disabled: !canInspect }, t.submit),
    message,
  );

  const sensor = view.sensor
    ? h(
        "p",
        { class: view.sensor.connectivity === "online" ? "muted" : "bad" },
        `${t.sensor}: ${view.sensor.deviceId} · ${view.sensor.connectivity === "online" ? formatTime(view.sensor.lastSeenMs, lang, zone) : t.sensorOffline}`,
      )
    : h("p", { class: "muted" }, t.noSensor);

  replace(
    root,
    header,
    h(
      "section",
      { class: "inspect-page", "data-testid": "inspect-page" },
      h("h1", {}, `${asset.id} · ${asset.location}`),
      h(
        "p",
        {},
        `${t.type}: ${asset.type} · ${t.size}: ${asset.size} · ${t.nextService}: ${asset.nextServiceDate}`,
        asset.scrapDate ? ` · ${t.scrap}: ${asset.scrapDate}` : "",
      ),
      h(
        "p",
        { class: `status ${view.period.status}`, "data-testid": "period-status" },
        periodLine(view.period, lang),
      ),
      sensor,
      canInspect ? null : h("p", { class: "notice" }, t.readOnly),
      form,
      view.openActions.length > 0
        ? h(
            "section",
            {},
            h("h2", {}, t.openActions),
            h(
              "ul",
              {},
              ...view.openActions.map((a) =>
                h("li", {}, `${a.item} · ${formatTime(a.openedMs, lang, zone)}`),
              ),
            ),
          )
        : null,
      h(
        "section",
        {},
        h("h2", {}, t.recent),
        h(
          "ul",
          {},
          ...view.recentRecords.map((r) =>
            h(
              "li",
              { class: r.passed ? "ok" : "bad" },
              `${formatTime(r.inspectedMs, lang, zone)} · ${r.inspector} · ${r.passed ? t.pass : `${t.fail}: ${r.failedItems.join(", ")}`}`,
            ),
          ),
        ),
      ),
    ),
  );
}

/** A local date of the hall ("2026-12-07") as people say it: "Mon 7 Dec", "12月7日周一". */
export function formatDay(isoDate: string, lang: Lang): string {
  return new Date(`${isoDate}T12:00:00Z`).toLocaleDateString(lang === "zh" ? "zh-CN" : "en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
}

/**
 * "This period 2026-W49: Overdue · due by the end of Mon 30 Nov", or for an asset registered after this period's
 * due day "…: Not due until Mon 7 Dec" (an inspection done meanwhile still counts: "Done · not due until …").
 */
function periodLine(period: AssetView["period"], lang: Lang): string {
  const t = INSPECTION_TEXT[lang];
  const head = `${t.period} ${period.label}: `;
  if (period.notDueUntil) {
    const notDue = t.notDueUntil(formatDay(period.notDueUntil, lang));
    return period.status === "not_due"
      ? `${head}${notDue}`
      : `${head}${t.status[period.status] ?? period.status} · ${notDue}`;
  }
  return `${head}${t.status[period.status] ?? period.status} · ${t.dueBy(formatDay(period.dueDay, lang))}`;
}

/** Photos are scaled down on the phone (longest side 1280 px, JPEG) before upload. */
async function readPhoto(input: HTMLInputElement): Promise<{ mime: string; dataBase64: string } | null> {
  const file = input.files?.[0];
  if (!file) return null;
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 1280 / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d")?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const dataUrl = canvas.toDataURL("image/jpeg", 0.8);
  return { mime: "image/jpeg", dataBase64: dataUrl.slice(dataUrl.indexOf(",") + 1) };
}

/** The hall's fire assets with this period's status, the open corrective actions, labels and the report. */
export async function renderFireAssets(
  root: HTMLElement,
  header: HTMLElement,
  lang: Lang,
  user: User,
): Promise<void> {
  const t = INSPECTION_TEXT[lang];
  const halls = (await api<{ items: HallView[] }>("GET", "/api/halls")).items;
  const sections = await Promise.all(
    halls.map(async (hall) => {
      const base = `/api/halls/${encodeURIComponent(hall.id)}`;
      const [assets, actions] = await Promise.all([
        api<{ items: Asset[]; timeZone: string }>("GET", `${base}/fire-assets`),
        api<{ items: Action[] }>("GET", `${base}/corrective-actions?status=open`),
      ]);
      const canEdit = user.roles.some((r) => r === "maintenance" || r === "admin");
      if (assets.items.length === 0 && actions.items.length === 0 && !canEdit) return null;
      // Today in the hall's zone (en-CA formats as YYYY-MM-DD), not in UTC: at 02:30 in Shanghai it is already
      // tomorrow there, and the report must include today's inspections.
      const today = new Intl.DateTimeFormat("en-CA", { timeZone: assets.timeZone }).format(new Date());
      const monthStart = `${today.slice(0, 8)}01`;
      const from = h("input", { type: "date", value: monthStart });
      const to = h("input", { type: "date", value: today });
      const reportLink = (format: string) =>
        h(
          "a",
          {
            href: "#",
            onclick: (event: Event) => {
              event.preventDefault();
              window.open(
                `${base}/inspection-compliance?from=${from.value}&to=${to.value}&format=${format}`,
                "_blank",
              );
            },
          },
          format === "csv" ? t.csv : t.print,
        );
      return h(
        "section",
        { class: "fire-hall", "data-testid": `fire-${hall.id}` },
        h("h2", {}, hall.name),
        h(
          "p",
          {},
          h("a", { href: `${base}/fire-asset-labels`, target: "_blank" }, t.labels),
          " · ",
          `${t.report}: `,
          h("label", {}, t.from, from),
          h("label", {}, t.to, to),
          reportLink("html"),
          " ",
          reportLink("csv"),
        ),
        h(
          "table",
          {},
          h(
            "tr",
            {},
            h("th", {}, "id"),
            h("th", {}, t.location),
            h("th", {}, t.type),
            h("th", {}, t.period),
            h("th", {}, t.nextService),
          ),
          ...assets.items.map((a) =>
            h(
              "tr",
              { class: a.currentStatus ?? "" },
              h(
                "td",
                {},
                h(
                  "a",
                  { href: `#/inspect/${encodeURIComponent(hall.id)}/${encodeURIComponent(a.id)}` },
                  a.id,
                ),
              ),
              h("td", {}, a.location),
              h("td", {}, a.type),
              h(
                "td",
                { "data-testid": `status-${a.id}` },
                a.currentStatus === "not_due" && a.notDueUntil
                  ? t.notDueUntil(formatDay(a.notDueUntil, lang))
                  : a.currentStatus
                    ? (t.status[a.currentStatus] ?? a.currentStatus)
                    : "—",
              ),
              h("td", {}, a.nextServiceDate),
            ),
          ),
        ),
        user.roles.some((r) => r === "maintenance" || r === "admin")
          ? importForm(base, lang, () => renderFireAssets(root, header, lang, user))
          : null,
        user.roles.some((r) => r === "duty_manager" || r === "admin") ? policyForm(base, lang) : null,
        actions.items.length > 0 ? h("h3", {}, t.openActions) : null,
        ...actions.items.map((action) =>
          actionRow(action, lang, user, () => renderFireAssets(root, header, lang, user)),
        ),
      );
    }),
  );
  replace(root, header, h("section", { class: "fire-assets" }, h("h1", {}, t.nav), ...sections));
}

function actionRow(action: Action, lang: Lang, user: User, refresh: () => Promise<void>): HTMLElement {
  const t = INSPECTION_TEXT[lang];
  const canClose = user.roles.includes("maintenance") || user.roles.includes("admin");
  const note = h("input", { placeholder: t.closeNote, required: true });
  return h(
    "form",
    {
      class: "action",
      "data-testid": `action-${action.id}`,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        await api("POST", `/api/corrective-actions/${action.id}/close`, { note: note.value });
        await refresh();
      },
    },
    `${action.assetId} · ${action.item} · ${formatTime(action.openedMs, lang)} · ${action.openedBy} `,
    canClose ? note : null,
    canClose ? h("button", { type: "submit" }, t.close) : null,
  );
}

/** Maintenance imports the asset register from a CSV file (all rows valid, or nothing is written). */
function importForm(base: string, lang: Lang, refresh: () => Promise<void>): HTMLElement {
  const t = INSPECTION_TEXT[lang];
  const file = h("input", { type: "file", accept: ".csv,text/csv", name: "assets-csv", required: true });
  const message = h("pre", { class: "notice", role: "status" });
  return h(
    "form",
    {
      class: "import",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const chosen = file.files?.[0];
        if (!chosen) return;
        try {
          const result = await api<{ created: number; updated: number }>(
            "POST",
            `${base}/fire-assets/import`,
            {
              csv: await chosen.text(),
            },
          );
          replace(message, `${t.imported}: +${result.created} / ~${result.updated}`);
          await refresh();
        } catch (err) {
          const details = err instanceof ApiFailure ? err.details : null;
          replace(message, [err instanceof Error ? err.message : String(err), ...(details ?? [])].join("\n"));
          message.className = "notice bad";
        }
      },
    },
    h("label", {}, t.importCsv, file),
    h("button", { type: "submit" }, t.importButton),
    message,
  );
}

/** The duty manager sets how often the hall's fire equipment is inspected. */
function policyForm(base: string, lang: Lang): HTMLElement {
  const t = INSPECTION_TEXT[lang];
  const frequency = h(
    "select",
    { name: "frequency" },
    ...(["weekly", "half_monthly", "monthly"] as const).map((f) => h("option", { value: f }, t.frequency[f])),
  );
  const weekday = h(
    "select",
    { name: "weekday" },
    ...["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => h("option", { value: d }, d)),
  );
  const grace = h("input", { type: "number", name: "graceHours", min: "0", max: "168", value: "0" });
  const message = h("span", { class: "notice", role: "status" });
  void api<{ frequency: string; weekday: string; graceHours: number }>(
    "GET",
    `${base}/inspection-policy`,
  ).then((p) => {
    frequency.value = p.frequency;
    weekday.value = p.weekday;
    grace.value = String(p.graceHours);
  });
  return h(
    "form",
    {
      class: "policy",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          await api("PUT", `${base}/inspection-policy`, {
            frequency: frequency.value,
            weekday: weekday.value,
            graceHours: Number(grace.value),
          });
          replace(message, t.saved);
        } catch (err) {
          replace(message, err instanceof Error ? err.message : String(err));
        }
      },
    },
    h("strong", {}, `${t.policy}: `),
    frequency,
    weekday,
    h("label", {}, t.graceHours, grace),
    h("button", { type: "submit" }, t.save),
    message,
  );
}
