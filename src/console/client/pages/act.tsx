import { useEffect, useState } from "preact/hooks";
import { ApiFailure, api } from "../api.js";
import { errorMessage } from "../components/errors.js";
import { formatTime } from "../dom.js";
import { ACT_TEXT } from "../i18n/act.js";
import { codeLabel } from "../i18n/codes.js";
import type { Lang } from "../i18n.js";

interface LinkView {
  username: string;
  displayName: string;
  language: Lang;
  expiresMs: number;
  timeZone: string | null;
  alert: {
    id: string;
    hallId: string;
    deviceId: string | null;
    agentId: string | null;
    severity: string;
    summary: { zh: string; en: string };
    status: string;
    openedMs: number;
  };
}

type Action = "acknowledge" | "comment" | "resolve";
type State =
  | { step: "loading" }
  | { step: "ready"; link: LinkView }
  | { step: "done"; action: Action; link: LinkView }
  | { step: "refused"; error: unknown };

/**
 * The one-tap page of a personal notice's signed link (`#/act/<token>`): the alert and three actions, done as the
 * person the link is for, with or without a session (unless their policy asks for one: then the sign-in first).
 */
export function ActPage({
  token,
  lang,
  signIn,
}: {
  token: string;
  lang: Lang;
  /** Shown when the link needs a session of its person. */
  signIn: () => preact.ComponentChildren;
}) {
  const [state, setState] = useState<State>({ step: "loading" });
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState<"comment" | "resolve" | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const a = ACT_TEXT[lang];
  useEffect(() => {
    api<LinkView>("GET", `/api/act/${token}`).then(
      (link) => setState({ step: "ready", link }),
      (error) => setState({ step: "refused", error }),
    );
  }, [token]);

  const act = async (link: LinkView, action: Action, text = "") => {
    setBusy(true);
    setFailure(null);
    try {
      const body =
        action === "acknowledge"
          ? { action }
          : action === "comment"
            ? { action, text }
            : { action, reason: text };
      await api("POST", `/api/act/${token}`, body);
      setState({ step: "done", action, link });
    } catch (error) {
      // A refused link (used meanwhile, expired) ends the page; a refused action (e.g. still faulty) does not.
      if (error instanceof ApiFailure && error.code.startsWith("link_")) setState({ step: "refused", error });
      else setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  if (state.step === "loading") return <main id="main" class="act" aria-busy="true" />;
  if (state.step === "refused") {
    const needsSignIn = state.error instanceof ApiFailure && state.error.code === "link_sign_in";
    const refusal = (
      <p class="error" role="alert" data-testid="act-refused">
        {errorMessage(state.error, lang)}
      </p>
    );
    // The sign-in form is a page of its own (its own <main>): the refusal says why above it.
    if (needsSignIn)
      return (
        <>
          <div class="act">{refusal}</div>
          {signIn()}
        </>
      );
    return (
      <main id="main" class="act">
        <h1>{a.title}</h1>
        {refusal}
        <a href="#/board">{a.openConsole}</a>
      </main>
    );
  }
  const { link } = state;
  const al = link.alert;
  const subject = al.deviceId ?? al.agentId ?? al.hallId;
  return (
    <main id="main" class="act">
      <h1>{a.title}</h1>
      <section class={`act-alert sev-${al.severity}`} aria-label={al.summary[lang]}>
        <p class="act-severity">{codeLabel(lang, "severity", al.severity)}</p>
        <h2>{al.summary[lang]}</h2>
        <dl>
          <dt>{a.hall}</dt>
          <dd>{al.hallId}</dd>
          <dt>{a.device}</dt>
          <dd>{subject}</dd>
          <dt>{a.opened}</dt>
          <dd>{formatTime(al.openedMs, lang, link.timeZone ?? undefined)}</dd>
        </dl>
        <p class="muted">{a.forPerson(link.displayName)}</p>
      </section>
      {state.step === "done" ? (
        <p class="act-done" role="status" data-testid="act-done">
          {a.done[state.action]}
        </p>
      ) : (
        <div class="act-buttons">
          {failure ? (
            <p class="error" role="alert">
              {errorMessage(failure, lang)}
            </p>
          ) : null}
          <button type="button" class="primary" disabled={busy} onClick={() => act(link, "acknowledge")}>
            {a.acknowledge}
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => setOpen(open === "comment" ? null : "comment")}
          >
            {a.comment}
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => setOpen(open === "resolve" ? null : "resolve")}
          >
            {a.resolve}
          </button>
          {open ? (
            <form
              class="act-form"
              onSubmit={(event) => {
                event.preventDefault();
                const text = String(new FormData(event.currentTarget).get("text") ?? "").trim();
                if (text) void act(link, open, text);
              }}
            >
              <label>
                {open === "comment" ? a.commentLabel : a.reasonLabel}
                <textarea name="text" required maxLength={2000} rows={3} />
              </label>
              <button type="submit" class="primary" disabled={busy}>
                {open === "comment" ? a.sendComment : a.confirmResolve}
              </button>
              <button type="button" disabled={busy} onClick={() => setOpen(null)}>
                {a.cancel}
              </button>
            </form>
          ) : null}
          <p class="muted">{a.once}</p>
        </div>
      )}
    </main>
  );
}
