import { type ComponentChildren, Fragment } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ALERT_TEXT } from "../alerts/alert-text.js";
import { OVERVIEW_TEXT } from "../i18n/overview.js";
import { ROSTER_TEXT } from "../i18n/roster.js";
import { SILENCE_TEXT } from "../i18n/silences.js";
import { INSPECTION_TEXT } from "../inspections-i18n.js";
import { Announcer } from "../live/announcer.js";
import { useAlertFeed } from "../live/use-feed.js";
import { useSession } from "../session.js";

interface NavItem {
  page: string;
  label: string;
  roles?: string[];
}

/** The frame of every signed-in page: navigation, the live-stream state, language and sign-out. */
export function Shell({ page, children }: { page: string; children: ComponentChildren }) {
  const { t, lang, user, setLang, signOut, hasRole } = useSession();
  const feed = useAlertFeed();
  // On a phone the nav folds behind a menu button (CSS shows the button below 40rem); a new page folds it again.
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [page]);
  const nav: NavItem[] = [
    { page: "board", label: t.board },
    { page: "halls", label: OVERVIEW_TEXT[lang].hq },
    { page: "alerts", label: ALERT_TEXT[lang].history },
    { page: "devices", label: t.devices },
    { page: "uptime", label: t.uptime },
    { page: "reports", label: OVERVIEW_TEXT[lang].reports },
    { page: "fire", label: INSPECTION_TEXT[lang].nav },
    { page: "roster", label: ROSTER_TEXT[lang].nav },
    { page: "silences", label: SILENCE_TEXT[lang].nav, roles: ["admin", "duty_manager"] },
    { page: "admin", label: t.admin, roles: ["admin"] },
  ];
  return (
    <>
      <a class="skip" href="#main">
        {t.skipToContent}
      </a>
      <header class={menuOpen ? "open" : undefined}>
        <strong class="brand">{t.title}</strong>
        <button
          type="button"
          class="menu"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          {t.menu}
        </button>
        <nav id="main-nav" aria-label={t.mainNav}>
          {nav
            .filter((item) => !item.roles || hasRole(...item.roles))
            .map((item) => (
              <a
                key={item.page}
                href={`#/${item.page}`}
                aria-current={page === item.page ? "page" : undefined}
              >
                {item.label}
              </a>
            ))}
        </nav>
        <span class={`live ${feed.streamUp ? "up" : "down"}`} data-testid="live">
          {feed.streamUp ? t.live : t.reconnecting}
        </span>
        <a class="who" href="#/account" aria-current={page === "account" ? "page" : undefined}>
          {user.displayName}
        </a>
        <button type="button" class="link" onClick={() => setLang(lang === "zh" ? "en" : "zh")}>
          {t.language}
        </button>
        <button type="button" class="link" onClick={() => void signOut()}>
          {t.signOut}
        </button>
      </header>
      {!feed.streamUp ? (
        <div class="banner" role="status" data-testid="reconnecting">
          {t.reconnectingBanner}
        </div>
      ) : null}
      <main id="main" tabIndex={-1} data-page={page}>
        {/* Keyed by page: two pages of the same component type (e.g. two legacy pages) never share state. */}
        <Fragment key={page}>{children}</Fragment>
      </main>
      <Announcer />
    </>
  );
}
