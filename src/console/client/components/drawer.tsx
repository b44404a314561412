import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { useSession } from "../session.js";

/** A side panel (full screen on a phone) over the page, closed by its button, Escape or the backdrop. */
export function Drawer({
  title,
  onClose,
  children,
}: {
  title: ComponentChildren;
  onClose: () => void;
  children: ComponentChildren;
}) {
  const { t } = useSession();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: Escape closes a modal dialog natively; the click is only the backdrop
    <dialog
      ref={dialog}
      class="drawer"
      aria-labelledby="drawer-title"
      onClose={onClose}
      onClick={(event) => {
        if (event.target === dialog.current) onClose();
      }}
    >
      <div class="drawer-head">
        <h2 id="drawer-title">{title}</h2>
        <button type="button" class="close" onClick={onClose} aria-label={t.close}>
          ×
        </button>
      </div>
      <div class="drawer-body">{children}</div>
    </dialog>
  );
}
