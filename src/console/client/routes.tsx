import type { ComponentChildren } from "preact";
import { renderAdmin } from "./admin.js";
import { Legacy } from "./components/legacy.js";
import { renderFireAssets, renderInspect } from "./inspections.js";
import { Board } from "./pages/board.js";
import { Device } from "./pages/device.js";
import { Devices } from "./pages/devices.js";
import { Halls } from "./pages/halls.js";
import { Reports } from "./pages/reports.js";
import type { Route } from "./router.js";
import type { Session } from "./session.js";
import { renderUptime } from "./uptime.js";

/**
 * Every page of the console: its hash name, who may open it, and what it draws. A page a role may not open
 * falls back to the board. One entry per page; the page's own file holds the rest.
 */
export interface PageEntry {
  roles?: string[];
  render: (route: Route, session: Session) => ComponentChildren;
}

export const PAGES: Record<string, PageEntry> = {
  board: { render: ({ params: [hallId] }) => <Board hallId={hallId} /> },
  halls: { render: () => <Halls /> },
  reports: { render: () => <Reports /> },
  devices: { render: () => <Devices /> },
  device: {
    render: ({ params: [hallId = "", deviceId = ""] }) => (
      <Device key={`${hallId}/${deviceId}`} hallId={hallId} deviceId={deviceId} />
    ),
  },
  uptime: {
    render: (_route, s) => (
      <Legacy render={(root, header) => renderUptime(root, header, s.t, s.lang)} deps={[s.lang]} />
    ),
  },
  admin: {
    roles: ["admin"],
    render: (_route, s) => (
      <Legacy render={(root, header) => renderAdmin(root, header, s.t, s.lang)} deps={[s.lang]} />
    ),
  },
  inspect: {
    render: ({ params: [hallId = "", deviceId = ""] }, s) => (
      <Legacy
        render={(root, header) => renderInspect(root, header, s.lang, s.user, hallId, deviceId)}
        deps={[s.lang, hallId, deviceId]}
      />
    ),
  },
  fire: {
    render: (_route, s) => (
      <Legacy render={(root, header) => renderFireAssets(root, header, s.lang, s.user)} deps={[s.lang]} />
    ),
  },
};

export function pageFor(route: Route, session: Session): { name: string; entry: PageEntry } {
  const entry = PAGES[route.page];
  if (entry && (!entry.roles || session.hasRole(...entry.roles))) return { name: route.page, entry };
  return { name: "board", entry: PAGES.board as PageEntry };
}
