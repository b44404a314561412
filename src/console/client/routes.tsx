import type { ComponentChildren } from "preact";
import { Account } from "./pages/account.js";
import { Admin } from "./pages/admin/admin.js";
import { AlertHistory } from "./pages/alert-history.js";
import { Board } from "./pages/board.js";
import { Device } from "./pages/device.js";
import { Devices } from "./pages/devices.js";
import { Hall } from "./pages/hall.js";
import { Halls } from "./pages/halls.js";
import { FireAssets } from "./pages/inspections/fire-assets.js";
import { InspectPage } from "./pages/inspections/inspect-page.js";
import { Reports } from "./pages/reports.js";
import { RosterPage } from "./pages/roster/roster.js";
import { SilencesPage } from "./pages/silences/silences.js";
import { UptimePage } from "./pages/uptime.js";
import type { Route } from "./router.js";
import type { Session } from "./session.js";

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
  alerts: { render: ({ params: [id] }) => <AlertHistory openId={id || null} /> },
  devices: { render: () => <Devices /> },
  device: {
    render: ({ params: [hallId = "", deviceId = ""] }) => (
      <Device key={`${hallId}/${deviceId}`} hallId={hallId} deviceId={deviceId} />
    ),
  },
  hall: {
    render: ({ params: [hallId = ""] }) => <Hall key={hallId} hallId={hallId} />,
  },
  uptime: { render: () => <UptimePage /> },
  admin: {
    roles: ["admin"],
    render: ({ params: [tab = "users"] }) => <Admin tab={tab} />,
  },
  account: { render: () => <Account /> },
  inspect: {
    render: ({ params: [hallId = "", assetId = ""] }) => (
      <InspectPage key={`${hallId}/${assetId}`} hallId={hallId} assetId={assetId} />
    ),
  },
  fire: { render: () => <FireAssets /> },
  roster: { render: ({ params: [hallId = ""] }) => <RosterPage key={hallId} hallId={hallId} /> },
  silences: {
    render: ({ query }) => (
      <SilencesPage
        prefill={{
          hallId: query.get("hallId") ?? undefined,
          faultType: query.get("faultType") ?? undefined,
          deviceId: query.get("deviceId") ?? undefined,
        }}
      />
    ),
  },
};

export function pageFor(route: Route, session: Session): { name: string; entry: PageEntry } {
  const entry = PAGES[route.page];
  if (entry && (!entry.roles || session.hasRole(...entry.roles))) return { name: route.page, entry };
  return { name: "board", entry: PAGES.board as PageEntry };
}
