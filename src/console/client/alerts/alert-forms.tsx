import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { api } from "../api.js";
import { ErrorNote } from "../components/errors.js";
import { codeLabel } from "../i18n/codes.js";
import { useSession } from "../session.js";
import { ALERT_TEXT } from "./alert-text.js";
import type { FullAlert } from "./alert-types.js";
import { usePeople } from "./directory.js";
import { Field } from "./field.js";

type Done = (updated: FullAlert) => void;

/** One action on an alert as a small form: a real label per field, the server's refusal shown translated. */
function ActionForm({
  name,
  title,
  submit,
  onSubmit,
  children,
}: {
  name: string;
  title: string;
  submit: string;
  onSubmit: () => Promise<void>;
  children?: ComponentChildren;
}) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="alert-form"
      data-form={name}
      aria-label={title}
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await onSubmit();
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <h3>{title}</h3>
      {children}
      {error ? <ErrorNote error={error} /> : null}
      <button type="submit" disabled={busy}>
        {submit}
      </button>
    </form>
  );
}

const post = (alert: FullAlert, path: string, body: unknown) =>
  api<FullAlert>("POST", `/api/alerts/${encodeURIComponent(alert.id)}/${path}`, body);

export function AcknowledgeForm({ alert, onDone }: { alert: FullAlert; onDone: Done }) {
  const { lang } = useSession();
  const a = ALERT_TEXT[lang];
  const [comment, setComment] = useState("");
  return (
    <ActionForm
      name="acknowledge"
      title={a.acknowledgeTitle}
      submit={a.acknowledge}
      onSubmit={async () => {
        onDone(await post(alert, "acknowledge", comment.trim() ? { comment: comment.trim() } : {}));
        setComment("");
      }}
    >
      <Field label={a.ackComment}>
        {(id) => (
          <input
            id={id}
            name="comment"
            maxLength={2000}
            value={comment}
            onInput={(e) => setComment(e.currentTarget.value)}
          />
        )}
      </Field>
    </ActionForm>
  );
}

export function CommentForm({ alert, onDone }: { alert: FullAlert; onDone: Done }) {
  const { lang } = useSession();
  const a = ALERT_TEXT[lang];
  const [text, setText] = useState("");
  return (
    <ActionForm
      name="comment"
      title={a.commentTitle}
      submit={a.addComment}
      onSubmit={async () => {
        onDone(await post(alert, "comments", { text: text.trim() }));
        setText("");
      }}
    >
      <Field label={a.commentText}>
        {(id) => (
          <textarea
            id={id}
            name="text"
            required
            maxLength={2000}
            rows={2}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        )}
      </Field>
    </ActionForm>
  );
}

export function ResolveForm({ alert, onDone }: { alert: FullAlert; onDone: Done }) {
  const { lang } = useSession();
  const a = ALERT_TEXT[lang];
  const [reason, setReason] = useState("");
  return (
    <ActionForm
      name="resolve"
      title={a.resolveTitle}
      submit={a.resolve}
      onSubmit={async () => onDone(await post(alert, "resolve", { reason: reason.trim() }))}
    >
      <Field label={a.resolveReason}>
        {(id) => (
          <textarea
            id={id}
            name="reason"
            required
            maxLength={2000}
            rows={2}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        )}
      </Field>
    </ActionForm>
  );
}

/** The people of the alert's hall whose role handles it (the server checks the same). */
export function AssignForm({ alert, onDone }: { alert: FullAlert; onDone: Done }) {
  const { lang } = useSession();
  const a = ALERT_TEXT[lang];
  const people = usePeople(alert.hallId);
  const fit = (people ?? []).filter(
    (p) =>
      p.roles.includes("admin") ||
      p.roles.includes("duty_manager") ||
      p.roles.some((r) => alert.audience.includes(r)),
  );
  const [username, setUsername] = useState(alert.assignee?.username ?? "");
  if (people !== null && fit.length === 0) return <p class="muted">{a.noPeople}</p>;
  return (
    <ActionForm
      name="assign"
      title={a.assignTitle}
      submit={a.assign}
      onSubmit={async () => onDone(await post(alert, "assign", { username }))}
    >
      <Field label={a.assignee}>
        {(id) => (
          <select
            id={id}
            name="username"
            required
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
          >
            <option value="">{a.choosePerson}</option>
            {fit.map((p) => (
              <option key={p.username} value={p.username}>
                {`${p.displayName} · ${p.roles.map((r) => codeLabel(lang, "role", r)).join("、")}`}
              </option>
            ))}
          </select>
        )}
      </Field>
    </ActionForm>
  );
}
