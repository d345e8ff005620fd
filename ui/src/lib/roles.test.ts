import { describe, expect, it } from 'vitest';
import { COMMAND_ACCESS, type Role } from './api/types.gen';
import { dictionaries } from './i18n/dict';
import { ALL_ROLES, mayCall } from './roles';
import { accessOf, canOpen, navFor, SCREENS, screenAt, tilesFor, type ScreenDef } from './screens';

const MANAGERS = ['supervisor', 'administrator'];

/** Who may open each screen, as the UI allowed before the screens' roles came from the hub. */
const SCREEN_ROLES: Record<string, readonly string[] | 'any_staff' | 'public'> = {
  home: 'any_staff',
  'change-password': 'any_staff',
  kiosk: 'public',
  display: 'public',
  staff: MANAGERS,
  audit: MANAGERS,
  settings: MANAGERS,
  backup: MANAGERS,
  counter: ['counter_officer', 'supervisor'],
  'queue-settings': MANAGERS,
  'queue-metrics': MANAGERS,
  intake: ['counter_officer', 'supervisor'],
  recording: ['recording_operator', 'supervisor'],
  requirements: MANAGERS,
  sync: MANAGERS,
  // Built with issue 10: the print station is the operators' and supervisors'; the stock is read by
  // administrators too; the printers and the encoder are the managers'.
  printing: ['print_operator', 'supervisor'],
  blanks: ['print_operator', 'supervisor', 'administrator'],
  'print-settings': MANAGERS,
  // Built with the reports: the daily and period reports are the managers'.
  reports: MANAGERS,
  // Built with issue 12: the complaints register is the counter's; an administrator may close one.
  complaints: ['counter_officer', 'supervisor', 'administrator'],
  // Built with issue 11: the hand-over and the Suket are the counter's.
  handover: ['counter_officer', 'supervisor'],
  suket: ['counter_officer', 'supervisor'],
};

/** The home tiles of each role (id and route) as they were before the screens' table. */
const TILES_BY_ROLE: Record<Role, [string, string | undefined][]> = {
  counter_officer: [
    ['queue', '/counter'],
    ['documents', '/intake'],
    ['handover', '/handover'],
    ['suket', '/suket'],
    ['complaints', '/complaints'],
  ],
  recording_operator: [['recording', '/recording']],
  print_operator: [
    ['printing', '/printing'],
    ['blanks', '/blanks'],
  ],
  supervisor: [
    ['queue', '/counter'],
    ['documents', '/intake'],
    ['recording', '/recording'],
    ['printing', '/printing'],
    ['handover', '/handover'],
    ['suket', '/suket'],
    ['blanks', '/blanks'],
    ['queue-settings', '/queue-settings'],
    ['print-settings', '/print-settings'],
    ['queue-metrics', '/queue-metrics'],
    ['requirements', '/requirements'],
    ['sync', '/sync'],
    ['reports', '/reports'],
    ['staff', '/staff'],
    ['audit', '/audit'],
    ['settings', '/settings'],
    ['backup', '/backup'],
    ['complaints', '/complaints'],
  ],
  administrator: [
    ['blanks', '/blanks'],
    ['queue-settings', '/queue-settings'],
    ['print-settings', '/print-settings'],
    ['queue-metrics', '/queue-metrics'],
    ['requirements', '/requirements'],
    ['sync', '/sync'],
    ['reports', '/reports'],
    ['staff', '/staff'],
    ['audit', '/audit'],
    ['settings', '/settings'],
    ['backup', '/backup'],
    ['complaints', '/complaints'],
  ],
};

const NAV_ORDER = ['home', 'counter', 'intake', 'recording', 'printing', 'handover', 'suket', 'blanks', 'queue-settings', 'print-settings', 'queue-metrics', 'requirements', 'sync', 'reports', 'staff', 'audit', 'settings', 'backup', 'complaints'];

const ALL: readonly ScreenDef[] = SCREENS;

describe('the screens table', () => {
  it('gates each built screen by a command the hub has, with the roles the screen had', () => {
    for (const s of ALL) {
      if ('gate' in s) expect(COMMAND_ACCESS, `${s.id}: ${s.gate}`).toHaveProperty([s.gate]);
      const access = accessOf(s);
      const roles = typeof access === 'string' ? access : [...access].sort();
      const want = SCREEN_ROLES[s.id];
      expect(roles, s.id).toEqual(typeof want === 'string' ? want : [...want].sort());
    }
    expect(ALL.map((s) => s.id).sort()).toEqual(Object.keys(SCREEN_ROLES).sort());
  });

  it('lets each role open exactly the screens the hub lets it call', () => {
    for (const s of ALL) {
      if (!('gate' in s)) continue;
      for (const role of ALL_ROLES) expect(canOpen([role], s), `${role} → ${s.id}`).toBe(mayCall([role], s.gate));
    }
  });

  it('keeps the home tiles of every role, in their order', () => {
    for (const role of ALL_ROLES) {
      expect(tilesFor([role]).map((t) => [t.id, t.href]), role).toEqual(TILES_BY_ROLE[role]);
    }
  });

  it('keeps the navigation order for every role', () => {
    for (const role of ALL_ROLES) {
      const want = NAV_ORDER.filter((id) => id === 'home' || canOpen([role], id as never));
      expect(navFor([role]).map((l) => l.id), role).toEqual(want);
    }
    expect(navFor(['supervisor', 'administrator']).map((l) => l.href)).toEqual(NAV_ORDER.map((id) => (id === 'home' ? '/' : `/${id}`)));
  });

  it('has every title, link and tile text in the dictionary, and one screen per route', () => {
    const keys: string[] = [];
    for (const s of ALL) {
      if ('title' in s) keys.push(s.title);
      if ('nav' in s && s.nav) keys.push(s.nav);
      if (s.tile) keys.push(s.tile.title, s.tile.desc);
    }
    for (const k of keys) expect(dictionaries.id, k).toHaveProperty([k]);
    const paths = ALL.flatMap((s) => ('path' in s ? [s.path] : []));
    expect(new Set(paths).size).toBe(paths.length);
    expect(screenAt('/intake')?.id).toBe('intake');
    expect(screenAt('/nope')).toBeUndefined();
  });
});

describe('home tiles per role', () => {
  it('gives a recording operator the recording desk only', () => {
    const tiles = tilesFor(['recording_operator']);
    expect(tiles.map((t) => [t.id, t.href])).toEqual([['recording', '/recording']]);
    expect(canOpen(['recording_operator'], 'recording')).toBe(true);
    expect(canOpen(['recording_operator'], 'intake')).toBe(false);
    expect(canOpen(['supervisor'], 'recording')).toBe(true);
  });

  it('gives a counter officer only counter tiles: the queue, the intake, the card pickup and the Suket', () => {
    const tiles = tilesFor(['counter_officer']);
    expect(tiles.map((t) => t.id)).toEqual(['queue', 'documents', 'handover', 'suket', 'complaints']);
    expect(tiles.find((t) => t.id === 'queue')?.href).toBe('/counter');
    expect(tiles.find((t) => t.id === 'documents')?.href).toBe('/intake');
    expect(canOpen(['counter_officer'], 'intake')).toBe(true);
    expect(canOpen(['counter_officer'], 'recording')).toBe(false);
    expect(canOpen(['counter_officer'], 'requirements')).toBe(false);
    expect(canOpen(['counter_officer'], 'staff')).toBe(false);
    expect(canOpen(['counter_officer'], 'counter')).toBe(true);
    expect(canOpen(['counter_officer'], 'queue-settings')).toBe(false);
  });

  it('lets a supervisor work a counter and manage the queue; an administrator only manage it', () => {
    expect(canOpen(['supervisor'], 'counter')).toBe(true);
    expect(canOpen(['supervisor'], 'queue-metrics')).toBe(true);
    expect(canOpen(['administrator'], 'queue-settings')).toBe(true);
    expect(canOpen(['administrator'], 'counter')).toBe(false);
    expect(tilesFor(['administrator']).map((t) => t.id)).toEqual([
      'blanks',
      'queue-settings',
      'print-settings',
      'queue-metrics',
      'requirements',
      'sync',
      'reports',
      'staff',
      'audit',
      'settings',
      'backup',
      'complaints',
    ]);
    expect(canOpen(['administrator'], 'recording')).toBe(false);
    expect(canOpen(['administrator'], 'requirements')).toBe(true);
  });

  it('shows shared tiles once for a supervisor who is also administrator', () => {
    const ids = tilesFor(['administrator', 'supervisor']).map((t) => t.id);
    expect(ids).toEqual([
      'queue',
      'documents',
      'recording',
      'printing',
      'handover',
      'suket',
      'blanks',
      'queue-settings',
      'print-settings',
      'queue-metrics',
      'requirements',
      'sync',
      'reports',
      'staff',
      'audit',
      'settings',
      'backup',
      'complaints',
    ]);
    expect(canOpen(['administrator'], 'audit')).toBe(true);
  });

  it('shows the tiles of several roles role by role', () => {
    expect(tilesFor(['supervisor', 'print_operator']).map((t) => t.id).slice(0, 4)).toEqual(['printing', 'blanks', 'queue', 'documents']);
    expect(tilesFor(['recording_operator', 'counter_officer']).map((t) => t.id)).toEqual(['queue', 'documents', 'handover', 'suket', 'complaints', 'recording']);
  });

  it('gives a print operator the print station and the stock, and the print settings to managers only', () => {
    expect(tilesFor(['print_operator']).map((t) => t.href)).toEqual(['/printing', '/blanks']);
    expect(canOpen(['print_operator'], 'print-settings')).toBe(false);
    expect(canOpen(['administrator'], 'printing')).toBe(false);
    expect(canOpen(['administrator'], 'blanks')).toBe(true);
    expect(canOpen(['supervisor'], 'print-settings')).toBe(true);
  });

  it('opens the sync screen to supervisors and administrators only', () => {
    expect(canOpen(['supervisor'], 'sync')).toBe(true);
    expect(canOpen(['administrator'], 'sync')).toBe(true);
    for (const role of ['counter_officer', 'recording_operator', 'print_operator'] as const) {
      expect(canOpen([role], 'sync')).toBe(false);
      expect(tilesFor([role]).some((t) => t.id === 'sync')).toBe(false);
    }
    expect(tilesFor(['supervisor']).find((t) => t.id === 'sync')?.href).toBe('/sync');
  });
});
