import { COMMAND_ACCESS, type CommandAccess, type Role } from './api/types.gen';
import type { MessageKey } from './i18n/dict';

/** Every role, in the order the UI lists them (staff forms, the header, the home tiles). */
export const ALL_ROLES = [
  'counter_officer',
  'recording_operator',
  'print_operator',
  'supervisor',
  'administrator',
] as const satisfies readonly Role[];

// A role the hub adds must be listed above: this line stops compiling until it is.
const everyRole: Exclude<Role, (typeof ALL_ROLES)[number]> extends never ? true : never = true;
void everyRole;

export function roleLabelKey(role: Role): MessageKey {
  return `role.${role}` as MessageKey;
}

/** A command or file output of the hub: the keys of the generated COMMAND_ACCESS. */
export type Command = keyof typeof COMMAND_ACCESS;

/** Whether staff with these roles pass an access rule of the hub. */
export function allows(access: CommandAccess, roles: readonly Role[]): boolean {
  if (access === 'public' || access === 'any_staff') return true;
  return roles.some((r) => access.includes(r));
}

/** Whether the hub lets staff with these roles call a command (as the hub decides, from COMMAND_ACCESS). */
export function mayCall(roles: readonly Role[], command: Command): boolean {
  return allows(COMMAND_ACCESS[command], roles);
}
