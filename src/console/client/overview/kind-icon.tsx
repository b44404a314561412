/**
 * A small line icon per device kind, drawn inline (no icon font, no CDN). Decorative: the kind is always written
 * next to it, so it is hidden from screen readers.
 */
const PATHS: Record<string, string> = {
  // A screen on a stand with a card slot.
  kiosk: "M6 3h12v11H6z M9 17h6 M12 14v6 M8 20h8 M9 7h6",
  // A box with a lightning bolt.
  charger: "M5 4h14v16H5z M13 7l-3 5h4l-3 5",
  // A wide screen on a foot.
  tv: "M3 5h18v11H3z M8 20h8 M12 16v4",
  // A ticket coming out of a machine.
  queue: "M6 3h12v8H6z M8 11v9h8v-9 M10 14h4 M10 17h4",
  // A cylinder with a nozzle and handle.
  extinguisher: "M9 8h6v13H9z M12 8V5 M12 5h5 M10 3h4 M17 5v4",
  // A hydrant cabinet: a box with a hose coil.
  hydrant: "M4 3h16v18H4z M12 12m-4 0a4 4 0 1 0 8 0a4 4 0 1 0 -8 0 M12 12h0.01",
  // A router with antennas.
  gateway: "M3 13h18v6H3z M7 16h0.01 M11 16h0.01 M8 13l-2-7 M16 13l2-7",
};

export function KindIcon({ kind }: { kind: string }) {
  return (
    <svg
      class="kind-icon"
      data-kind={kind}
      viewBox="0 0 24 24"
      width="24"
      height="24"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[kind] ?? "M4 4h16v16H4z"} />
    </svg>
  );
}
