import { api } from "./api.js";
import { formatTime, h, replace } from "./dom.js";
import type { Text } from "./i18n.js";
import { notifySection, userForm } from "./notify-admin.js";
import type { HallView } from "./types.js";

interface ProvisionedAgent {
  agentId: string;
  hallId: string;
  name: string | null;
  createdMs: number;
  rotatedMs: number | null;
  revokedMs: number | null;
}

interface AuditRow {
  atMs: number;
  actor: string;
  action: string;
  target: string | null;
}

function field(label: string, input: HTMLElement): HTMLElement {
  return h("label", {}, label, input);
}

/** HQ operations: halls, agent credentials (secrets shown once), users and the audit log. */
export async function renderAdmin(
  root: HTMLElement,
  header: HTMLElement,
  t: Text,
  lang: string,
): Promise<void> {
  const [halls, agents, users, audit] = await Promise.all([
    api<{ items: HallView[] }>("GET", "/api/halls"),
    api<{ items: ProvisionedAgent[] }>("GET", "/api/admin/agents"),
    api<{ items: { username: string; displayName: string; roles: string[]; halls: string[] }[] }>(
      "GET",
      "/api/users",
    ),
    api<{ items: AuditRow[] }>("GET", "/api/audit?limit=50"),
  ]);
  const reload = () => void renderAdmin(root, header, t, lang);
  const notify = await notifySection(t, lang, reload);
  const secretBox = h("div", { class: "secret", "data-testid": "secret" });
  const showSecret = (agentId: string, secret: string) =>
    replace(secretBox, h("p", {}, t.secretOnce), h("code", {}, `${agentId}  ${secret}`));

  const hallId = h("input", { name: "hallId", required: true, placeholder: "north-1" });
  const hallName = h("input", { name: "hallName", required: true });
  const hallZone = h("input", { name: "timeZone", value: "Asia/Shanghai" });
  const hallForm = h(
    "form",
    {
      class: "inline",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        await api("POST", "/api/halls", {
          id: hallId.value,
          name: hallName.value,
          timeZone: hallZone.value,
        }).catch((err: Error) => window.alert(err.message));
        reload();
      },
    },
    field("ID", hallId),
    field(t.name, hallName),
    field(t.timeZone, hallZone),
    h("button", { type: "submit" }, t.add),
  );

  const agentId = h("input", { name: "agentId", required: true, placeholder: "north-1-kiosk-1" });
  const agentHall = h(
    "select",
    { name: "agentHall" },
    ...halls.items.map((x) => h("option", { value: x.id }, x.name)),
  );
  const agentForm = h(
    "form",
    {
      class: "inline",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          const r = await api<{ agentId: string; secret: string }>("POST", "/api/admin/agents", {
            agentId: agentId.value,
            hallId: agentHall.value,
          });
          await renderAdmin(root, header, t, lang);
          showSecretAfterReload(r.agentId, r.secret);
        } catch (err) {
          window.alert((err as Error).message);
        }
      },
    },
    field("ID", agentId),
    field(t.hall, agentHall),
    h("button", { type: "submit" }, t.provision),
  );
  const showSecretAfterReload = (id: string, secret: string) => {
    const box = document.querySelector<HTMLElement>("[data-testid=secret]");
    if (box) replace(box, h("p", {}, t.secretOnce), h("code", {}, `${id}  ${secret}`));
  };

  replace(
    root,
    header,
    h(
      "section",
      { class: "admin" },
      h("h2", {}, t.halls),
      h("ul", {}, ...halls.items.map((x) => h("li", {}, `${x.id} — ${x.name}`))),
      hallForm,
      h("h2", {}, t.agents),
      secretBox,
      h(
        "table",
        { "data-testid": "agents" },
        ...agents.items.map((a) =>
          h(
            "tr",
            { "data-agent": a.agentId },
            h("td", {}, a.agentId),
            h("td", {}, a.hallId),
            h("td", {}, a.revokedMs ? t.revoked : formatTime(a.rotatedMs ?? a.createdMs, lang)),
            h(
              "td",
              {},
              h(
                "button",
                {
                  type: "button",
                  onclick: async () => {
                    const r = await api<{ secret: string }>("POST", `/api/admin/agents/${a.agentId}/rotate`);
                    showSecret(a.agentId, r.secret);
                  },
                },
                t.rotate,
              ),
              a.revokedMs
                ? null
                : h(
                    "button",
                    {
                      type: "button",
                      onclick: async () => {
                        await api("POST", `/api/admin/agents/${a.agentId}/revoke`);
                        reload();
                      },
                    },
                    t.revoke,
                  ),
            ),
          ),
        ),
      ),
      agentForm,
      h("h2", {}, t.users),
      h(
        "table",
        {},
        ...users.items.map((u) =>
          h(
            "tr",
            {},
            h("td", {}, u.username),
            h("td", {}, u.displayName),
            h("td", {}, u.roles.join(", ")),
            h("td", {}, u.halls.join(", ")),
          ),
        ),
      ),
      userForm(t, halls.items, reload),
      h("h2", {}, t.notifications),
      notify,
      h("h2", {}, t.audit),
      h(
        "table",
        { "data-testid": "audit" },
        h("tr", {}, h("th", {}, t.when), h("th", {}, t.who), h("th", {}, t.what), h("th", {}, t.target)),
        ...audit.items.map((row) =>
          h(
            "tr",
            {},
            h("td", {}, formatTime(row.atMs, lang)),
            h("td", {}, row.actor),
            h("td", {}, row.action),
            h("td", {}, row.target ?? ""),
          ),
        ),
      ),
    ),
  );
}
