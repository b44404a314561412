import { useEffect, useMemo, useState } from "preact/hooks";
import { api, setCsrf } from "./api.js";
import { Shell } from "./components/shell.js";
import type { Lang } from "./i18n.js";
import { alertFeed } from "./live/alert-feed.js";
import { ActPage } from "./pages/act.js";
import { Login } from "./pages/login.js";
import { useRoute } from "./router.js";
import { pageFor } from "./routes.js";
import { applyLang, makeSession, SessionContext, storedLang } from "./session.js";
import type { User } from "./types.js";

type Boot = { state: "loading" } | { state: "signed-out" } | { state: "signed-in"; user: User };

export function App() {
  const [boot, setBoot] = useState<Boot>({ state: "loading" });
  const [lang, setLangState] = useState<Lang>(storedLang);
  const route = useRoute();
  const setLang = (next: Lang) => {
    applyLang(next);
    setLangState(next);
  };
  useEffect(() => {
    applyLang(lang);
    api<{ user: User; csrfToken: string | null }>("GET", "/api/auth/me").then(
      (me) => {
        setCsrf(me.csrfToken);
        setBoot({ state: "signed-in", user: me.user });
      },
      () => setBoot({ state: "signed-out" }),
    );
  }, []);
  const user = boot.state === "signed-in" ? boot.user : null;
  useEffect(() => {
    if (user) alertFeed.start();
    else alertFeed.stop();
  }, [user]);
  const session = useMemo(
    () =>
      user
        ? makeSession(user, lang, setLang, async () => {
            await api("POST", "/api/auth/logout").catch(() => undefined);
            setBoot({ state: "signed-out" });
          })
        : null,
    [user, lang],
  );
  // A one-time password (generated at first start, or an admin's reset) is replaced before anything else.
  useEffect(() => {
    if (user?.mustChangePassword && route.page !== "account") location.hash = "#/account";
  }, [user, route.page]);
  if (boot.state === "loading") return null;
  // A notice's signed link acts without a session (unless its person's policy asks for one): no shell, no sign-in.
  if (route.page === "act")
    return (
      <ActPage
        key={`${route.params[0] ?? ""}:${user?.username ?? ""}`}
        token={route.params[0] ?? ""}
        lang={lang}
        signIn={() => (
          <Login lang={lang} setLang={setLang} onSignedIn={(u) => setBoot({ state: "signed-in", user: u })} />
        )}
      />
    );
  if (!session)
    return (
      <Login lang={lang} setLang={setLang} onSignedIn={(u) => setBoot({ state: "signed-in", user: u })} />
    );
  const { name, entry } = pageFor(route, session);
  return (
    <SessionContext.Provider value={session}>
      <Shell page={name}>{entry.render(route, session)}</Shell>
    </SessionContext.Provider>
  );
}
