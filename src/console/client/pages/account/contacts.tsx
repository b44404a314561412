import { useEffect, useState } from "preact/hooks";
import { ApiFailure, api } from "../../api.js";
import { ConfirmButton } from "../../components/confirm.js";
import { ErrorNote } from "../../components/errors.js";
import { Async, useApi } from "../../components/use-api.js";
import { CONTACTS_TEXT, type ContactsText } from "../../i18n/contacts.js";
import { useSession } from "../../session.js";
import { type PushOutcome, subscribeThisDevice } from "./push.js";

const MEDIA = ["email", "sms", "wecom", "dingtalk", "push"] as const;
type Medium = (typeof MEDIA)[number];

interface Contacts {
  email: string | null;
  mobile: string | null;
  wecomUserId: string | null;
  dingtalkUserId: string | null;
  media: Medium[];
  quietHours: { start: string; end: string } | null;
  zone: string;
  pushSubscriptions: { id: string; host: string; label: string | null; createdMs: number }[];
}

type Field = "email" | "mobile" | "wecomUserId" | "dingtalkUserId" | "media" | "quietHours" | "zone";

/** The server's refusal per field, in the reader's words (never the server's English message). */
function fieldErrors(err: unknown, c: ContactsText): Partial<Record<Field, string>> | null {
  if (!(err instanceof ApiFailure) || err.code !== "bad_request" || !Array.isArray(err.info)) return null;
  const out: Partial<Record<Field, string>> = {};
  for (const d of err.info as { path?: string }[]) {
    const field = String(d.path ?? "")
      .replace(/^\//, "")
      .split(/[./]/)[0] as Field;
    out[field] = {
      email: c.fieldEmail,
      mobile: c.fieldMobile,
      wecomUserId: c.fieldUserId,
      dingtalkUserId: c.fieldUserId,
      media: c.fieldNoAddress,
      quietHours: c.fieldTime,
      zone: c.fieldZone,
    }[field];
  }
  return out;
}

function ContactsForm({ initial, reload }: { initial: Contacts; reload: () => void }) {
  const { lang } = useSession();
  const c = CONTACTS_TEXT[lang];
  const [v, setV] = useState(initial);
  const [failure, setFailure] = useState<unknown>(null);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => setV((old) => ({ ...old, pushSubscriptions: initial.pushSubscriptions })), [initial]);

  const set = (k: Field, value: unknown) => {
    setSaved(false);
    setV({ ...v, [k]: value });
  };
  // The chosen media first, in the person's order (a newly chosen one goes last), then the others.
  const order: Medium[] = [...v.media, ...MEDIA.filter((m) => !v.media.includes(m))];
  const toggle = (m: Medium, on: boolean) =>
    set("media", on ? [...v.media.filter((x) => x !== m), m] : v.media.filter((x) => x !== m));
  const moveUp = (m: Medium) => {
    const i = v.media.indexOf(m);
    if (i <= 0) return;
    const next = [...v.media];
    [next[i - 1], next[i]] = [next[i] as Medium, next[i - 1] as Medium];
    set("media", next);
  };
  const text = (
    k: "email" | "mobile" | "wecomUserId" | "dingtalkUserId",
    label: string,
    extra: object = {},
  ) => (
    <label>
      {label}
      <input
        name={k}
        value={v[k] ?? ""}
        onInput={(e) => set(k, e.currentTarget.value)}
        aria-invalid={errors[k] ? "true" : undefined}
        aria-describedby={errors[k] ? `contact-error-${k}` : undefined}
        {...extra}
      />
      {errors[k] ? (
        <span class="error" id={`contact-error-${k}`} data-testid={`contact-error-${k}`}>
          {errors[k]}
        </span>
      ) : null}
    </label>
  );
  const quietStart = v.quietHours?.start ?? "";
  const quietEnd = v.quietHours?.end ?? "";
  const setQuiet = (start: string, end: string) => set("quietHours", start || end ? { start, end } : null);

  return (
    <form
      class="stack contacts"
      data-testid="contacts-form"
      onSubmit={async (event) => {
        event.preventDefault();
        setFailure(null);
        setErrors({});
        if (v.quietHours && (!v.quietHours.start || !v.quietHours.end)) {
          setErrors({ quietHours: c.fieldQuietBoth });
          return;
        }
        setBusy(true);
        try {
          await api("PUT", "/api/me/contacts", {
            email: v.email ?? "",
            mobile: (v.mobile ?? "").trim(),
            wecomUserId: v.wecomUserId ?? "",
            dingtalkUserId: v.dingtalkUserId ?? "",
            media: v.media,
            quietHours: v.quietHours,
            zone: v.zone,
          });
          setSaved(true);
          reload();
        } catch (err) {
          const byField = fieldErrors(err, c);
          if (byField && Object.keys(byField).length > 0) setErrors(byField);
          else setFailure(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2>{c.myContacts}</h2>
      <p class="muted">{c.contactsIntro}</p>
      {text("email", c.email, { type: "email", autocomplete: "email" })}
      {text("mobile", c.mobile, { type: "tel", autocomplete: "tel", placeholder: "+8613800138000" })}
      {text("wecomUserId", c.wecomUserId, { autocomplete: "off" })}
      {text("dingtalkUserId", c.dingtalkUserId, { autocomplete: "off" })}
      <fieldset class="media-order">
        <legend>{c.media}</legend>
        <ol>
          {order.map((m, i) => (
            <li key={m}>
              <label class="check">
                <input
                  type="checkbox"
                  checked={v.media.includes(m)}
                  onChange={(e) => toggle(m, e.currentTarget.checked)}
                />
                {c[`medium_${m}`]}
              </label>
              {i > 0 && v.media.includes(m) ? (
                <button
                  type="button"
                  class="move-up"
                  aria-label={`${c[`medium_${m}`]} ${c.moveUp}`}
                  onClick={() => moveUp(m)}
                >
                  ↑
                </button>
              ) : null}
            </li>
          ))}
        </ol>
        {errors.media ? (
          <span class="error" data-testid="contact-error-media">
            {errors.media}
          </span>
        ) : null}
      </fieldset>
      <fieldset class="quiet-hours">
        <legend>{c.quietHours}</legend>
        <div class="pair">
          <label>
            {c.quietStart}
            <input
              type="time"
              name="quietStart"
              value={quietStart}
              onInput={(e) => setQuiet(e.currentTarget.value, quietEnd)}
            />
          </label>
          <label>
            {c.quietEnd}
            <input
              type="time"
              name="quietEnd"
              value={quietEnd}
              onInput={(e) => setQuiet(quietStart, e.currentTarget.value)}
            />
          </label>
        </div>
        <p class="hint">{c.quietHint}</p>
        {errors.quietHours ? (
          <span class="error" data-testid="contact-error-quietHours">
            {errors.quietHours}
          </span>
        ) : null}
        <label>
          {c.zone}
          <input
            name="zone"
            value={v.zone}
            onInput={(e) => set("zone", e.currentTarget.value)}
            autocomplete="off"
          />
        </label>
        {errors.zone ? <span class="error">{errors.zone}</span> : null}
      </fieldset>
      {failure ? <ErrorNote error={failure} /> : null}
      {saved ? (
        <p class="notice" role="status" data-testid="contacts-saved">
          {c.saved}
        </p>
      ) : null}
      <button type="submit" class="primary" disabled={busy}>
        {c.save}
      </button>
    </form>
  );
}

function PushDevices({ contacts, reload }: { contacts: Contacts; reload: () => void }) {
  const { lang } = useSession();
  const c = CONTACTS_TEXT[lang];
  const [outcome, setOutcome] = useState<PushOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const message = {
    subscribed: c.pushSubscribed,
    unsupported: c.pushUnsupported,
    denied: c.pushDenied,
    failed: c.pushFailed,
  };
  return (
    <section class="push-devices" aria-labelledby="push-devices-title">
      <h2 id="push-devices-title">{c.devices}</h2>
      {contacts.pushSubscriptions.length === 0 ? <p class="muted">{c.noDevices}</p> : null}
      <ul>
        {contacts.pushSubscriptions.map((s) => (
          <li key={s.id}>
            <span>
              {s.label ?? s.host} · {s.host}
            </span>
            <ConfirmButton
              label={c.removeDevice}
              question={c.removeDeviceQuestion}
              onConfirm={async () => {
                setFailure(null);
                try {
                  await api("DELETE", `/api/me/push-subscriptions/${s.id}`);
                } catch (err) {
                  setFailure(err);
                }
                reload();
              }}
            />
          </li>
        ))}
      </ul>
      <button
        type="button"
        class="primary"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setOutcome(await subscribeThisDevice());
          setBusy(false);
          reload();
        }}
      >
        {c.pushThisPhone}
      </button>
      {outcome ? (
        <p
          class={outcome === "subscribed" ? "notice" : "error"}
          role="status"
          data-testid={outcome === "subscribed" ? "push-subscribed" : "push-error"}
        >
          {message[outcome]}
        </p>
      ) : null}
      {failure ? <ErrorNote error={failure} /> : null}
    </section>
  );
}

/** "My contacts" on the account page: addresses, media order, quiet hours and this phone's push notices. */
export function MyContacts() {
  const state = useApi<Contacts>("/api/me/contacts");
  return (
    <Async state={state}>
      {(contacts) => (
        <>
          <ContactsForm initial={contacts} reload={state.reload} />
          <PushDevices contacts={contacts} reload={state.reload} />
        </>
      )}
    </Async>
  );
}
