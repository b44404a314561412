import { renderAdmin } from "./admin.js";
import { ApiFailure, api, setCsrf } from "./api.js";
import { formatTime, h, replace } from "./dom.js";
import { type Lang, TEXT, type Text } from "./i18n.js";
import { renderFireAssets, renderInspect } from "./inspections.js";
import { INSPECTION_TEXT } from "./inspections-i18n.js";
import type { AlertView, DeviceView, HallView, User } from "./types.js";
import { renderUptime } from "./uptime.js";

const SEVERITY_ORDER = { critical: 0, major: 1, minor: 2, warning: 3, operational: 4 } as const;

interface State {
  user: User | null;
  lang: Lang;
  alerts: Map<string, AlertView>;
  stream: EventSource | null;
  streamUp: boolean;
}

const state: State = {
  user: null,
  lang: (localStorage.getItem("hallwatch.lang") as Lang | null) ?? "zh",
  alerts: new Map(),
  stream: null,
  streamUp: false,
};
const root = document.getElementById("app") as HTMLElement;
const t = (): Text => TEXT[state.lang];

async function boot(): Promise<void> {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  try {
    const me = await api<{ user: User; csrfToken: string | null }>("GET", "/api/auth/me");
    state.user = me.user;
    setCsrf(me.csrfToken);
    route();
  } catch {
    renderLogin();
  }
}

window.addEventListener("hashchange", () => route());

function route(): void {
  if (!state.user) {
    renderLogin();
    return;
  }
  const [, page, hallId, deviceId] = location.hash.split("/");
  if (page === "uptime") {
    state.stream?.close();
    void renderUptime(root, header(), t(), state.lang);
  } else if (page === "admin" && state.user.roles.includes("admin")) {
    state.stream?.close();
    void renderAdmin(root, header(), t(), state.lang);
  } else if (page === "inspect" && hallId && deviceId) {
    state.stream?.close();
    state.stream = null;
    void renderInspect(
      root,
      header(),
      state.lang,
      state.user,
      decodeURIComponent(hallId),
      decodeURIComponent(deviceId),
    );
  } else if (page === "fire") {
    state.stream?.close();
    state.stream = null;
    void renderFireAssets(root, header(), state.lang, state.user);
  } else if (page === "device" && hallId && deviceId) void renderDevice(hallId, deviceId);
  else if (page === "devices") void renderDevices();
  else void renderBoard();
}

function renderLogin(message?: string): void {
  state.stream?.close();
  state.stream = null;
  const username = h("input", { name: "username", autocomplete: "username", required: true });
  const password = h("input", {
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const error = h("p", { class: "error", role: "alert" }, message ?? "");
  const form = h(
    "form",
    {
      class: "login",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          const result = await api<{ user: User; csrfToken: string }>("POST", "/api/auth/login", {
            username: username.value,
            password: password.value,
          });
          state.user = result.user;
          setCsrf(result.csrfToken);
          // A QR label's link (#/inspect/…) survives the sign-in.
          if (!location.hash || location.hash === "#/" || location.hash === "#") location.hash = "#/board";
          route();
        } catch (err) {
          replace(error, err instanceof ApiFailure && err.status === 429 ? t().locked : t().wrongPassword);
        }
      },
    },
    h("h1", {}, t().title),
    h("label", {}, t().username, username),
    h("label", {}, t().password, password),
    h("button", { type: "submit" }, t().signIn),
    error,
    languageToggle(),
  );
  replace(root, form);
}

function languageToggle(): HTMLElement {
  return h(
    "button",
    {
      type: "button",
      class: "link",
      onclick: () => {
        state.lang = state.lang === "zh" ? "en" : "zh";
        localStorage.setItem("hallwatch.lang", state.lang);
        document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
        if (state.user) route();
        else renderLogin();
      },
    },
    t().language,
  );
}

function header(): HTMLElement {
  const user = state.user as User;
  return h(
    "header",
    {},
    h("strong", {}, t().title),
    h(
      "nav",
      {},
      h("a", { href: "#/board" }, t().board),
      h("a", { href: "#/devices" }, t().devices),
      h("a", { href: "#/uptime" }, t().uptime),
      h("a", { href: "#/fire" }, INSPECTION_TEXT[state.lang].nav),
      user.roles.includes("admin") ? h("a", { href: "#/admin" }, t().admin) : null,
    ),
    state.stream
      ? h(
          "span",
          { class: `live ${state.streamUp ? "up" : "down"}`, "data-testid": "live" },
          state.streamUp ? t().live : t().reconnecting,
        )
      : null,
    h("span", { class: "who" }, user.displayName),
    languageToggle(),
    h(
      "button",
      {
        type: "button",
        class: "link",
        onclick: async () => {
          await api("POST", "/api/auth/logout").catch(() => undefined);
          state.user = null;
          renderLogin();
        },
      },
      t().signOut,
    ),
  );
}

// ---- the alert board ---------------------------------------------------------------------------

async function renderBoard(): Promise<void> {
  // The stream opens first, so a change that happens while the list loads is not lost; for an alert in both,
  // whichever was seen last wins.
  const board = h("section", { class: "board", "data-testid": "board" });
  state.alerts = new Map();
  openStream(board);
  const [halls, alerts] = await Promise.all([
    api<{ items: HallView[] }>("GET", "/api/halls"),
    api<{ items: AlertView[] }>("GET", "/api/alerts?status=active&limit=500"),
  ]);
  for (const a of alerts.items) {
    const streamed = state.alerts.get(a.id);
    if (!streamed || streamed.lastSeenMs < a.lastSeenMs) state.alerts.set(a.id, a);
  }
  const summary = h(
    "section",
    { class: "halls" },
    ...halls.items.map((hall) =>
      h(
        "div",
        { class: "hall" },
        h("h2", {}, hall.name),
        h("span", { class: "ok" }, `${t().online} ${hall.devices.online}`),
        h("span", { class: "bad" }, `${t().offline} ${hall.devices.offline}`),
        h("span", { class: "muted" }, `${t().unknown} ${hall.devices.unknown}`),
      ),
    ),
  );
  replace(root, header(), summary, board);
  drawAlerts(board);
}

function drawAlerts(board: HTMLElement): void {
  const items = [...state.alerts.values()]
    .filter((a) => a.status !== "resolved")
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.lastSeenMs - a.lastSeenMs);
  if (items.length === 0) replace(board, h("p", { class: "muted" }, t().noAlerts));
  else replace(board, ...items.map(alertCard));
}

function alertCard(alert: AlertView): HTMLElement {
  const text = t();
  const act = async (path: string, body: unknown) => {
    try {
      const updated = await api<AlertView>("POST", `/api/alerts/${alert.id}/${path}`, body);
      state.alerts.set(updated.id, { ...alert, ...updated });
      const board = document.querySelector<HTMLElement>("[data-testid=board]");
      if (board) drawAlerts(board);
    } catch (err) {
      window.alert((err as Error).message);
    }
  };
  return h(
    "article",
    {
      class: `alert sev-${alert.severity} st-${alert.status}`,
      "data-alert-id": alert.id,
      "data-fault": alert.faultType,
    },
    h("div", { class: "sev" }, text.severity[alert.severity]),
    h(
      "div",
      { class: "body" },
      h("h3", {}, alert.summary[state.lang]),
      h(
        "p",
        {},
        `${text.hall} ${alert.hallId} · ${text.device} ${alert.deviceId ?? alert.agentId ?? "—"}`,
        alert.lastObserved !== null ? ` · ${String(alert.lastObserved)}` : "",
      ),
      alert.affected.length > 1
        ? h("p", { class: "muted" }, `${text.affected}: ${alert.affected.join(", ")}`)
        : null,
      h(
        "p",
        { class: "muted" },
        `${text.since} ${formatTime(alert.openedMs, state.lang)} · ${text.count} ${alert.count} · `,
        h("span", { class: "status", "data-testid": "status" }, text[alert.status]),
        alert.flapping ? h("span", { class: "badge" }, text.flapping) : null,
      ),
    ),
    h(
      "div",
      { class: "actions" },
      alert.status === "open"
        ? h("button", { type: "button", onclick: () => act("acknowledge", {}) }, text.acknowledge)
        : null,
      h(
        "button",
        {
          type: "button",
          onclick: () => {
            const reason = window.prompt(text.reason);
            if (reason) void act("resolve", { reason });
          },
        },
        text.resolve,
      ),
      h(
        "button",
        {
          type: "button",
          class: "link",
          onclick: () => {
            const comment = window.prompt(text.commentPrompt);
            if (comment) void act("comments", { text: comment });
          },
        },
        text.comment,
      ),
    ),
  );
}

function openStream(board: HTMLElement): void {
  state.stream?.close();
  const stream = new EventSource("/api/alerts/stream");
  state.stream = stream;
  const live = () => document.querySelector("[data-testid=live]");
  stream.onopen = () => {
    state.streamUp = true;
    const el = live();
    if (el) {
      el.className = "live up";
      el.textContent = t().live;
    }
  };
  stream.onerror = () => {
    state.streamUp = false;
    const el = live();
    if (el) {
      el.className = "live down";
      el.textContent = t().reconnecting;
    }
  };
  stream.addEventListener("alert", (event) => {
    const change = JSON.parse((event as MessageEvent<string>).data) as { alert: AlertView };
    const previous = state.alerts.get(change.alert.id);
    state.alerts.set(change.alert.id, { ...previous, ...change.alert });
    if (document.body.contains(board)) drawAlerts(board);
  });
}

// ---- devices ------------------------------------------------------------------------------------

async function renderDevices(): Promise<void> {
  state.stream?.close();
  const { items } = await api<{ items: DeviceView[] }>("GET", "/api/devices");
  const byHallZone = new Map<string, DeviceView[]>();
  for (const d of items) {
    const key = `${d.hallId} · ${d.zone}`;
    byHallZone.set(key, [...(byHallZone.get(key) ?? []), d]);
  }
  const sections = [...byHallZone].map(([zone, devices]) =>
    h(
      "section",
      { class: "zone" },
      h("h2", {}, zone),
      h(
        "div",
        { class: "grid" },
        ...devices.map((d) =>
          h(
            "a",
            {
              class: `tile ${d.connectivity}`,
              href: `#/device/${d.hallId}/${d.deviceId}`,
              "data-device": d.deviceId,
            },
            h("strong", {}, d.name ?? d.deviceId),
            h("span", {}, `${d.kind} · ${t()[d.connectivity]}`),
          ),
        ),
      ),
    ),
  );
  replace(root, header(), ...sections);
}

async function renderDevice(hallId: string, deviceId: string): Promise<void> {
  state.stream?.close();
  const [device, alerts] = await Promise.all([
    api<
      DeviceView & { recentEvents: { tsMs: number; type: string; data: Record<string, unknown> | null }[] }
    >("GET", `/api/devices/${encodeURIComponent(hallId)}/${encodeURIComponent(deviceId)}`),
    api<{ items: AlertView[] }>(
      "GET",
      `/api/alerts?hallId=${encodeURIComponent(hallId)}&deviceId=${encodeURIComponent(deviceId)}&limit=50`,
    ),
  ]);
  const text = t();
  replace(
    root,
    header(),
    h(
      "section",
      { class: "device" },
      h("a", { href: "#/devices" }, `← ${text.back}`),
      h("h1", {}, device.name ?? device.deviceId),
      h(
        "p",
        {},
        `${device.kind} · ${device.model} · ${text.zone} ${device.zone} · `,
        h("span", { class: device.connectivity }, text[device.connectivity]),
      ),
      h("p", { class: "muted" }, `${text.lastSeen} ${formatTime(device.lastSeenMs, state.lang)}`),
      h("h2", {}, text.values),
      h(
        "table",
        {},
        ...Object.entries(device.values ?? {}).map(([k, v]) =>
          h("tr", {}, h("th", {}, k), h("td", {}, typeof v === "object" ? JSON.stringify(v) : String(v))),
        ),
      ),
      h("h2", {}, text.events),
      h(
        "ul",
        {},
        ...device.recentEvents.map((e) =>
          h("li", {}, `${formatTime(e.tsMs, state.lang)} ${e.type} ${e.data ? JSON.stringify(e.data) : ""}`),
        ),
      ),
      h("h2", {}, text.alertHistory),
      h(
        "ul",
        {},
        ...alerts.items.map((a) =>
          h("li", {}, `${formatTime(a.openedMs, state.lang)} ${a.summary[state.lang]} — ${text[a.status]}`),
        ),
      ),
    ),
  );
}

void boot();
