import { ADMIN_TEXT } from "../../i18n/admin.js";
import { CLUSTER_TEXT } from "../../i18n/cluster.js";
import { ESCALATION_TEXT } from "../../i18n/escalation.js";
import { useSession } from "../../session.js";
import { AgentsAdmin } from "./agents.js";
import { ClusterAdmin } from "./cluster.js";
import { EscalationAdmin } from "./escalation.js";
import { NotifyAdmin } from "./notify.js";
import { TokensAdmin } from "./tokens.js";
import { UsersAdmin } from "./users.js";

const TABS = ["users", "agents", "notify", "escalation", "tokens", "cluster"] as const;
type Tab = (typeof TABS)[number];

/** The admin's screens, one tab each: `#/admin/users` (default), `/agents`, `/notify`, `/escalation`, `/tokens`, `/cluster`. */
export function Admin({ tab }: { tab: string }) {
  const { lang, t } = useSession();
  const a = ADMIN_TEXT[lang];
  const current: Tab = (TABS as readonly string[]).includes(tab) ? (tab as Tab) : "users";
  const labels: Record<Tab, string> = {
    users: a.tabUsers,
    agents: a.tabAgents,
    notify: a.tabNotify,
    escalation: ESCALATION_TEXT[lang].tab,
    tokens: a.tabTokens,
    cluster: CLUSTER_TEXT[lang].tab,
  };
  return (
    <section class="admin">
      <nav class="tabs" aria-label={t.admin} data-testid="admin-tabs">
        {TABS.map((name) => (
          <a key={name} href={`#/admin/${name}`} aria-current={name === current ? "page" : undefined}>
            {labels[name]}
          </a>
        ))}
      </nav>
      {current === "users" ? <UsersAdmin /> : null}
      {current === "agents" ? <AgentsAdmin /> : null}
      {current === "notify" ? <NotifyAdmin /> : null}
      {current === "escalation" ? <EscalationAdmin /> : null}
      {current === "tokens" ? <TokensAdmin /> : null}
      {current === "cluster" ? <ClusterAdmin /> : null}
    </section>
  );
}
