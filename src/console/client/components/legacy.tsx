import { useEffect, useRef } from "preact/hooks";

/**
 * Mounts a page still written as DOM code (`render(root, header)`) inside the component shell, until it is
 * rewritten as components. The header it is handed is an empty placeholder: the shell draws the real one.
 */
export function Legacy({
  render,
  deps,
}: {
  render: (root: HTMLElement, header: HTMLElement) => unknown;
  deps: unknown[];
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (ref.current) void render(ref.current, document.createElement("span"));
  }, deps);
  return <div ref={ref} class="legacy" />;
}
