import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { type Lang, TEXT, type Text } from "./i18n.js";
import type { User } from "./types.js";

/** Who is signed in and in which language; every page reads it through `useSession()`. */
export interface Session {
  user: User;
  lang: Lang;
  t: Text;
  setLang: (lang: Lang) => void;
  signOut: () => Promise<void>;
  hasRole: (...roles: string[]) => boolean;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession() outside a signed-in page");
  return session;
}

export function makeSession(
  user: User,
  lang: Lang,
  setLang: (lang: Lang) => void,
  signOut: () => Promise<void>,
): Session {
  return {
    user,
    lang,
    t: TEXT[lang],
    setLang,
    signOut,
    hasRole: (...roles) => roles.some((role) => user.roles.includes(role)),
  };
}

export function storedLang(): Lang {
  const stored = localStorage.getItem("hallwatch.lang");
  return stored === "en" || stored === "zh" ? stored : "zh";
}

export function applyLang(lang: Lang): void {
  localStorage.setItem("hallwatch.lang", lang);
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}
