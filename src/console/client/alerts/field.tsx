import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";

/**
 * A form control with its label tied by `for`/`id` (not wrapped): the control's accessible name is then the label
 * alone, not the label plus the selected option's text.
 */
export function Field({ label, children }: { label: string; children: (id: string) => ComponentChildren }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children(id)}
    </div>
  );
}
