import { api } from "./api.js";
import { formatTime, h } from "./dom.js";
import type { Text } from "./i18n.js";

interface Channel {
  id: string;
  name: string;
  config: { type: string; url?: string };
}
interface Rule {
  id: string;
  name: string;
  hallId: string | null;
  roles: string[];
  minSeverity: string;
  channelIds: string[];
}
interface Delivery {
  atMs: number;
  channelId: string;
  action: string;
  attempt: number;
  ok: boolean;
  error: string | null;
}

const ROLES = ["duty_manager", "floor_staff", "maintenance", "security"];

/** Channels (add, send test), routing rules (add) and the delivery log, for the admin page. */
export async function notifySection(t: Text, lang: string, reload: () => void): Promise<HTMLElement> {
  const [channels, rules, deliveries] = await Promise.all([
    api<{ items: Channel[] }>("GET", "/api/notify/channels"),
    api<{ items: Rule[] }>("GET", "/api/notify/rules"),
    api<{ items: Delivery[] }>("GET", "/api/notify/deliveries?limit=30"),
  ]);
  const names = new Map(channels.items.map((c) => [c.id, c.name]));
  const type = h(
    "select",
    { name: "channelType" },
    ...["webhook", "wecom", "dingtalk", "feishu"].map((x) => h("option", { value: x }, x)),
  );
  const name = h("input", { name: "channelName", required: true });
  const url = h("input", { name: "channelUrl", required: true, type: "url" });
  const secret = h("input", { name: "channelSecret" });
  const ruleName = h("input", { name: "ruleName", required: true });
  const ruleRole = h("select", { name: "ruleRole" }, ...ROLES.map((r) => h("option", { value: r }, r)));
  const ruleChannel = h(
    "select",
    { name: "ruleChannel" },
    ...channels.items.map((c) => h("option", { value: c.id }, c.name)),
  );
  const fail = (err: Error) => window.alert(err.message);
  return h(
    "div",
    { "data-testid": "notify" },
    h("h2", {}, t.channels),
    h(
      "table",
      {},
      ...channels.items.map((c) =>
        h(
          "tr",
          { "data-channel": c.name },
          h("td", {}, c.name),
          h("td", {}, c.config.type),
          h("td", {}, c.config.url ?? ""),
          h(
            "td",
            {},
            h(
              "button",
              {
                type: "button",
                onclick: async () => {
                  const r = await api<{ ok: boolean; error: string | null }>(
                    "POST",
                    `/api/notify/channels/${c.id}/test`,
                  ).catch(fail);
                  if (r) window.alert(r.ok ? t.ok : `${t.failed}: ${r.error ?? ""}`);
                  reload();
                },
              },
              t.sendTest,
            ),
          ),
        ),
      ),
    ),
    h(
      "form",
      {
        class: "inline",
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const config: Record<string, string> = { type: type.value, url: url.value };
          if (secret.value) config.secret = secret.value;
          await api("POST", "/api/notify/channels", { name: name.value, language: lang, config }).catch(fail);
          reload();
        },
      },
      h("label", {}, t.type, type),
      h("label", {}, t.name, name),
      h("label", {}, "URL", url),
      h("label", {}, t.secret, secret),
      h("button", { type: "submit" }, t.add),
    ),
    h("h2", {}, t.rules),
    h(
      "ul",
      {},
      ...rules.items.map((r) =>
        h(
          "li",
          {},
          `${r.name}: ${r.hallId ?? "*"} · ${r.roles.join(", ")} · ≥ ${r.minSeverity} → ${r.channelIds.map((id) => names.get(id) ?? id).join(", ")}`,
        ),
      ),
    ),
    channels.items.length > 0
      ? h(
          "form",
          {
            class: "inline",
            onsubmit: async (e: Event) => {
              e.preventDefault();
              await api("POST", "/api/notify/rules", {
                name: ruleName.value,
                roles: [ruleRole.value],
                channelIds: [ruleChannel.value],
              }).catch(fail);
              reload();
            },
          },
          h("label", {}, t.name, ruleName),
          h("label", {}, t.roles, ruleRole),
          h("label", {}, t.channels, ruleChannel),
          h("button", { type: "submit" }, t.add),
        )
      : null,
    h("h2", {}, t.deliveries),
    h(
      "table",
      { "data-testid": "deliveries" },
      ...deliveries.items.map((d) =>
        h(
          "tr",
          {},
          h("td", {}, formatTime(d.atMs, lang)),
          h("td", {}, names.get(d.channelId) ?? d.channelId),
          h("td", {}, d.action),
          h("td", {}, `#${d.attempt}`),
          h("td", {}, d.ok ? t.ok : `${t.failed}: ${d.error ?? ""}`),
        ),
      ),
    ),
  );
}

/** A small form to add a user (admin). */
export function userForm(t: Text, halls: { id: string }[], reload: () => void): HTMLElement {
  const username = h("input", { name: "newUsername", required: true });
  const displayName = h("input", { name: "newDisplayName", required: true });
  const password = h("input", { name: "newPassword", type: "password", required: true, minlength: "10" });
  const role = h(
    "select",
    { name: "newRole" },
    ...[...ROLES, "admin"].map((r) => h("option", { value: r }, r)),
  );
  const hall = h(
    "select",
    { name: "newHall" },
    h("option", { value: "*" }, "*"),
    ...halls.map((x) => h("option", { value: x.id }, x.id)),
  );
  return h(
    "form",
    {
      class: "inline",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        await api("POST", "/api/users", {
          username: username.value,
          displayName: displayName.value,
          password: password.value,
          roles: [role.value],
          halls: [hall.value],
        }).catch((err: Error) => window.alert(err.message));
        reload();
      },
    },
    h("label", {}, t.username, username),
    h("label", {}, t.displayName, displayName),
    h("label", {}, t.password, password),
    h("label", {}, t.roles, role),
    h("label", {}, t.hall, hall),
    h("button", { type: "submit" }, t.addUser),
  );
}
