// Every screen of the app, declared once: its route, its component, the hub command that gates it
// (who may call that command, per the generated COMMAND_ACCESS, may open the screen), its tab
// title, its side-navigation link and its home tile. App.svelte routes from this table, Nav.svelte
// lists it and Home.svelte shows its tiles, all in table order. Work that is not built yet has a
// tile ("Segera hadir") and the roles that will do it, but no route.
//
// Some screens import this module back (canOpen, tilesFor). That is safe: App.svelte loads it
// before any screen, and nothing here calls a component while the modules load.

import type { Component } from 'svelte';
import { COMMAND_ACCESS, type CommandAccess, type Role } from './api/types.gen';
import type { MessageKey } from './i18n/dict';
import { ALL_ROLES, allows, type Command } from './roles';
import Audit from '../screens/Audit.svelte';
import Backup from '../screens/Backup.svelte';
import Blanks from '../screens/Blanks.svelte';
import ChangePassword from '../screens/ChangePassword.svelte';
import Complaints from '../screens/Complaints.svelte';
import Counter from '../screens/Counter.svelte';
import Display from '../screens/Display.svelte';
import Handover from '../screens/Handover.svelte';
import Home from '../screens/Home.svelte';
import Intake from '../screens/Intake.svelte';
import Kiosk from '../screens/Kiosk.svelte';
import Printing from '../screens/Printing.svelte';
import PrintSettings from '../screens/PrintSettings.svelte';
import QueueMetrics from '../screens/QueueMetrics.svelte';
import QueueSettings from '../screens/QueueSettings.svelte';
import Recording from '../screens/Recording.svelte';
import Reports from '../screens/Reports.svelte';
import Requirements from '../screens/Requirements.svelte';
import Settings from '../screens/Settings.svelte';
import Staff from '../screens/Staff.svelte';
import Suket from '../screens/Suket.svelte';
import Sync from '../screens/Sync.svelte';

/** A card on the home page (testid `tile-<id>`). */
export interface TileDef {
  id: string;
  title: MessageKey;
  desc: MessageKey;
}

/** A built screen. */
export interface LiveScreen {
  id: string;
  /** The route: `#<path>`. */
  path: string;
  component: Component;
  /** The command the screen needs; its access in the hub is the screen's ("public": no login, full screen). */
  gate: Command;
  /** The browser tab's title. */
  title: MessageKey;
  /** Its link in the side navigation (testid `nav-<id>`); none: not in the navigation. */
  nav?: MessageKey;
  tile?: TileDef;
}

/** Work not built yet: a home tile marked "Segera hadir" for the roles that will do it. */
export interface PlannedScreen {
  id: string;
  planned: readonly Role[];
  tile: TileDef;
}

export type ScreenDef = LiveScreen | PlannedScreen;

export const SCREENS = [
  { id: 'home', path: '/', component: Home, gate: 'auth.me', title: 'home.title', nav: 'nav.home' },
  {
    id: 'counter', path: '/counter', component: Counter, gate: 'queue.counter_state', title: 'counter.title', nav: 'nav.queue',
    tile: { id: 'queue', title: 'tile.queue', desc: 'tile.queue.desc' },
  },
  {
    id: 'intake', path: '/intake', component: Intake, gate: 'intake.lookup', title: 'intake.title', nav: 'nav.intake',
    tile: { id: 'documents', title: 'tile.documents', desc: 'tile.documents.desc' },
  },
  {
    id: 'recording', path: '/recording', component: Recording, gate: 'recording.ready_list', title: 'rec.title', nav: 'nav.recording',
    tile: { id: 'recording', title: 'tile.recording', desc: 'tile.recording.desc' },
  },
  {
    id: 'printing', path: '/printing', component: Printing, gate: 'printing.queue', title: 'print.title', nav: 'nav.printing',
    tile: { id: 'printing', title: 'tile.printing', desc: 'tile.printing.desc' },
  },
  {
    id: 'handover', path: '/handover', component: Handover, gate: 'handover.lookup', title: 'ho.title', nav: 'nav.handover',
    tile: { id: 'handover', title: 'tile.handover', desc: 'tile.handover.desc' },
  },
  {
    id: 'suket', path: '/suket', component: Suket, gate: 'suket.register', title: 'suket.title', nav: 'nav.suket',
    tile: { id: 'suket', title: 'tile.suket', desc: 'tile.suket.desc' },
  },
  {
    id: 'blanks', path: '/blanks', component: Blanks, gate: 'stock.summary', title: 'blanks.title', nav: 'nav.blanks',
    tile: { id: 'blanks', title: 'tile.blanks', desc: 'tile.blanks.desc' },
  },
  {
    id: 'queue-settings', path: '/queue-settings', component: QueueSettings, gate: 'queue.service_list', title: 'qs.title',
    nav: 'nav.queue_settings', tile: { id: 'queue-settings', title: 'tile.queue_settings', desc: 'tile.queue_settings.desc' },
  },
  {
    id: 'print-settings', path: '/print-settings', component: PrintSettings, gate: 'printing.station_save', title: 'ps.title',
    nav: 'nav.print_settings', tile: { id: 'print-settings', title: 'tile.print_settings', desc: 'tile.print_settings.desc' },
  },
  {
    id: 'queue-metrics', path: '/queue-metrics', component: QueueMetrics, gate: 'queue.metrics', title: 'qm.title',
    nav: 'nav.queue_metrics', tile: { id: 'queue-metrics', title: 'tile.queue_metrics', desc: 'tile.queue_metrics.desc' },
  },
  {
    id: 'requirements', path: '/requirements', component: Requirements, gate: 'intake.requirement_save', title: 'req.title',
    nav: 'nav.requirements', tile: { id: 'requirements', title: 'tile.requirements', desc: 'tile.requirements.desc' },
  },
  {
    id: 'sync', path: '/sync', component: Sync, gate: 'sync.quarantine_list', title: 'sync.title', nav: 'nav.sync',
    tile: { id: 'sync', title: 'tile.sync', desc: 'tile.sync.desc' },
  },
  {
    id: 'reports', path: '/reports', component: Reports, gate: 'reports.index', title: 'rep.title', nav: 'nav.reports',
    tile: { id: 'reports', title: 'tile.reports', desc: 'tile.reports.desc' },
  },
  {
    id: 'staff', path: '/staff', component: Staff, gate: 'staff.list', title: 'staff.title', nav: 'nav.staff',
    tile: { id: 'staff', title: 'tile.staff', desc: 'tile.staff.desc' },
  },
  {
    id: 'audit', path: '/audit', component: Audit, gate: 'audit.list', title: 'audit.title', nav: 'nav.audit',
    tile: { id: 'audit', title: 'tile.audit', desc: 'tile.audit.desc' },
  },
  {
    id: 'settings', path: '/settings', component: Settings, gate: 'settings.get', title: 'settings.title', nav: 'nav.settings',
    tile: { id: 'settings', title: 'tile.settings', desc: 'tile.settings.desc' },
  },
  {
    id: 'backup', path: '/backup', component: Backup, gate: 'backup.status', title: 'backup.title', nav: 'nav.backup',
    tile: { id: 'backup', title: 'tile.backup', desc: 'tile.backup.desc' },
  },
  {
    id: 'complaints', path: '/complaints', component: Complaints, gate: 'complaints.list', title: 'adu.title', nav: 'nav.complaints',
    tile: { id: 'complaints', title: 'tile.complaints', desc: 'tile.complaints.desc' },
  },
  { id: 'change-password', path: '/change-password', component: ChangePassword, gate: 'auth.change_password', title: 'cp.title' },
  // The public full-screen queue screens: no login, no header, their own error states.
  { id: 'kiosk', path: '/kiosk', component: Kiosk, gate: 'queue.kiosk', title: 'kiosk.title' },
  { id: 'display', path: '/display', component: Display, gate: 'queue.board', title: 'display.title' },
] as const satisfies readonly ScreenDef[];

export type ScreenId = (typeof SCREENS)[number]['id'];

const ALL: readonly ScreenDef[] = SCREENS;
const isLive = (s: ScreenDef): s is LiveScreen => 'component' in s;
const LIVE: readonly LiveScreen[] = ALL.filter(isLive);
const BY_ID = new Map(ALL.map((s) => [s.id, s]));

/** The built screen at a route (without its query). */
export function screenAt(path: string): LiveScreen | undefined {
  return LIVE.find((s) => s.path === path);
}

/** Who may open a screen: its gate's access in the hub, or the roles planned for work not built yet. */
export function accessOf(s: ScreenDef): CommandAccess {
  return isLive(s) ? COMMAND_ACCESS[s.gate] : s.planned;
}

/** Whether staff with these roles may open a screen. */
export function canOpen(roles: readonly Role[], screen: ScreenId | ScreenDef): boolean {
  return allows(accessOf(typeof screen === 'string' ? BY_ID.get(screen)! : screen), roles);
}

export interface NavLink {
  id: string;
  href: string;
  label: MessageKey;
}

/** The side navigation for a set of roles, in table order. */
export function navFor(roles: readonly Role[]): NavLink[] {
  return LIVE.filter((s) => s.nav && allows(accessOf(s), roles)).map((s) => ({ id: s.id, href: s.path, label: s.nav! }));
}

export interface Tile extends TileDef {
  /** Route of a built screen; absent for work that is not built yet. */
  href?: string;
}

/** The home tiles for a set of roles: role by role (in role order) its tiles in table order, each once. */
export function tilesFor(roles: readonly Role[]): Tile[] {
  const seen = new Set<string>();
  const out: Tile[] = [];
  for (const role of ALL_ROLES) {
    if (!roles.includes(role)) continue;
    for (const s of ALL) {
      if (!s.tile || seen.has(s.tile.id) || !allows(accessOf(s), [role])) continue;
      seen.add(s.tile.id);
      out.push(isLive(s) ? { ...s.tile, href: s.path } : { ...s.tile });
    }
  }
  return out;
}
