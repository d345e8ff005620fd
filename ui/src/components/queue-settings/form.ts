// Small helpers the queue settings forms share.
import type { Task } from '../../lib/async.svelte';

/** A whole number typed in a field, or NaN (the hub answers with the field's message). */
export function int(v: number | string): number {
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  return Number.isInteger(n) ? n : NaN;
}

/** Focuses the first field with an error, in the open dialog or the form. */
export function focusError(): void {
  queueMicrotask(() => document.querySelector<HTMLElement>('dialog [aria-invalid="true"], form [aria-invalid="true"]')?.focus());
}

/** A dialog's submit: shows the errors `check` finds, or, when there are none, runs `save` as the
 *  task (its errors land on the fields, and the first one is focused). */
export async function submitChecked(
  e: SubmitEvent,
  task: Task,
  check: () => Record<string, string>,
  save: () => Promise<void>,
): Promise<void> {
  e.preventDefault();
  if (task.busy) return;
  const f = check();
  task.errors = { fields: f, banner: null };
  if (Object.keys(f).length) return focusError();
  await task.run(save, focusError);
}

/** Puts `saved` in place of the item with its id, or at the end when there is none. */
export function upsert<T extends { id: number }>(items: T[], saved: T): void {
  const i = items.findIndex((x) => x.id === saved.id);
  if (i >= 0) items[i] = saved;
  else items.push(saved);
}
