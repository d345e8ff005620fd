// Small helpers the queue settings forms share.

/** A whole number typed in a field, or NaN (the hub answers with the field's message). */
export function int(v: number | string): number {
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  return Number.isInteger(n) ? n : NaN;
}

/** Focuses the first field with an error, in the open dialog or the form. */
export function focusError(): void {
  queueMicrotask(() => document.querySelector<HTMLElement>('dialog [aria-invalid="true"], form [aria-invalid="true"]')?.focus());
}
