import { toApiError } from './api/client';

export interface FormErrors {
  fields: Record<string, string>;
  banner: string | null;
}

export const noErrors = (): FormErrors => ({ fields: {}, banner: null });

/** An API error goes next to its field when the form shows that field, otherwise into the banner. */
export function formErrors(e: unknown, fields: readonly string[]): FormErrors {
  const err = toApiError(e);
  if (err.field && fields.includes(err.field)) {
    return { fields: { [err.field]: err.message }, banner: null };
  }
  return { fields: {}, banner: err.message };
}
