import type { Role } from './api/types.gen';
import type { MessageKey } from './i18n/dict';

export const ALL_ROLES: readonly Role[] = [
  'counter_officer',
  'recording_operator',
  'print_operator',
  'supervisor',
  'administrator',
];

export function roleLabelKey(role: Role): MessageKey {
  return `role.${role}` as MessageKey;
}

export type Screen =
  | 'staff'
  | 'audit'
  | 'settings'
  | 'counter'
  | 'queue-settings'
  | 'queue-metrics'
  | 'intake'
  | 'recording'
  | 'requirements'
  | 'sync';

const MANAGERS: readonly Role[] = ['supervisor', 'administrator'];
/** Who works a counter: the counter officer, or a supervisor covering one (as the hub allows). */
const COUNTER_ROLES: readonly Role[] = ['counter_officer', 'supervisor'];
/** Who takes applicants' files (intake.*): as the hub allows. */
const INTAKE_ROLES: readonly Role[] = ['counter_officer', 'supervisor'];
/** Who records (recording.*): the recording operator, or a supervisor. */
const RECORDING_ROLES: readonly Role[] = ['recording_operator', 'supervisor'];

/** Which roles may open a live screen. */
export const SCREEN_ROLES: Record<Screen, readonly Role[]> = {
  staff: MANAGERS,
  audit: MANAGERS,
  settings: MANAGERS,
  counter: COUNTER_ROLES,
  'queue-settings': MANAGERS,
  'queue-metrics': MANAGERS,
  intake: INTAKE_ROLES,
  recording: RECORDING_ROLES,
  requirements: MANAGERS,
  sync: MANAGERS,
};

export function canOpen(roles: readonly Role[], screen: Screen): boolean {
  return roles.some((r) => SCREEN_ROLES[screen].includes(r));
}

export interface Tile {
  id: string;
  title: MessageKey;
  desc: MessageKey;
  /** Route of a live screen; absent for work that is not built yet. */
  href?: string;
}

const TILES_BY_ROLE: Record<Role, readonly Tile[]> = {
  counter_officer: [
    { id: 'queue', title: 'tile.queue', desc: 'tile.queue.desc', href: '/counter' },
    { id: 'documents', title: 'tile.documents', desc: 'tile.documents.desc', href: '/intake' },
  ],
  recording_operator: [{ id: 'recording', title: 'tile.recording', desc: 'tile.recording.desc', href: '/recording' }],
  print_operator: [
    { id: 'printing', title: 'tile.printing', desc: 'tile.printing.desc' },
    { id: 'blanks', title: 'tile.blanks', desc: 'tile.blanks.desc' },
  ],
  supervisor: [
    { id: 'queue', title: 'tile.queue', desc: 'tile.queue.desc', href: '/counter' },
    { id: 'documents', title: 'tile.documents', desc: 'tile.documents.desc', href: '/intake' },
    { id: 'recording', title: 'tile.recording', desc: 'tile.recording.desc', href: '/recording' },
    { id: 'queue-settings', title: 'tile.queue_settings', desc: 'tile.queue_settings.desc', href: '/queue-settings' },
    { id: 'queue-metrics', title: 'tile.queue_metrics', desc: 'tile.queue_metrics.desc', href: '/queue-metrics' },
    { id: 'requirements', title: 'tile.requirements', desc: 'tile.requirements.desc', href: '/requirements' },
    { id: 'sync', title: 'tile.sync', desc: 'tile.sync.desc', href: '/sync' },
    { id: 'daily-report', title: 'tile.daily_report', desc: 'tile.daily_report.desc' },
    { id: 'staff', title: 'tile.staff', desc: 'tile.staff.desc', href: '/staff' },
    { id: 'audit', title: 'tile.audit', desc: 'tile.audit.desc', href: '/audit' },
    { id: 'settings', title: 'tile.settings', desc: 'tile.settings.desc', href: '/settings' },
  ],
  administrator: [
    { id: 'queue-settings', title: 'tile.queue_settings', desc: 'tile.queue_settings.desc', href: '/queue-settings' },
    { id: 'queue-metrics', title: 'tile.queue_metrics', desc: 'tile.queue_metrics.desc', href: '/queue-metrics' },
    { id: 'requirements', title: 'tile.requirements', desc: 'tile.requirements.desc', href: '/requirements' },
    { id: 'sync', title: 'tile.sync', desc: 'tile.sync.desc', href: '/sync' },
    { id: 'staff', title: 'tile.staff', desc: 'tile.staff.desc', href: '/staff' },
    { id: 'audit', title: 'tile.audit', desc: 'tile.audit.desc', href: '/audit' },
    { id: 'settings', title: 'tile.settings', desc: 'tile.settings.desc', href: '/settings' },
  ],
};

/** The home tiles for a set of roles, in role order, each tile once. */
export function tilesFor(roles: readonly Role[]): Tile[] {
  const seen = new Set<string>();
  const out: Tile[] = [];
  for (const role of ALL_ROLES) {
    if (!roles.includes(role)) continue;
    for (const tile of TILES_BY_ROLE[role]) {
      if (seen.has(tile.id)) continue;
      seen.add(tile.id);
      out.push(tile);
    }
  }
  return out;
}
