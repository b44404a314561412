import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { useSession } from "../session.js";

/**
 * A button for a destructive action (revoke, retire, disable, delete): it opens a modal dialog that names what
 * will happen, and acts only on the dialog's own confirm button.
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  class: className = "danger",
}: {
  label: ComponentChildren;
  question: ComponentChildren;
  confirmLabel?: string;
  onConfirm: () => unknown;
  class?: string;
}) {
  const { t } = useSession();
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (open) dialog.current?.showModal();
    else dialog.current?.close();
  }, [open]);
  return (
    <>
      <button type="button" class={className} onClick={() => setOpen(true)}>
        {label}
      </button>
      {open ? (
        <dialog ref={dialog} class="confirm" onClose={() => setOpen(false)} aria-modal="true">
          <p>{question}</p>
          <div class="actions">
            <button type="button" onClick={() => setOpen(false)}>
              {t.cancel}
            </button>
            <button
              type="button"
              class="danger"
              onClick={async () => {
                setOpen(false);
                await onConfirm();
              }}
            >
              {confirmLabel ?? label}
            </button>
          </div>
        </dialog>
      ) : null}
    </>
  );
}
