// A screen's asynchronous work, one way: whether it runs, its error, and (for a loader) its data.
// Replaces the hand-written `busy = true; try { … } catch { … } finally { busy = false }` flags.

import { toApiError, type ApiError } from './api/client';
import { formErrors, noErrors, type FormErrors } from './forms';

/** An action (save, call, delete): runs once at a time and keeps the error of its last run. */
export class Task {
  busy = $state(false);
  /** The last run's error: next to a field the form shows, otherwise for the banner. */
  errors = $state<FormErrors>(noErrors());
  /** The last run's error as the API gave it (its code), or null. */
  failure = $state.raw<ApiError | null>(null);
  #fields: readonly string[];

  /** `fields`: the form fields an API error may be shown next to (the rest go to the banner). */
  constructor(fields: readonly string[] = []) {
    this.#fields = fields;
  }

  /** The banner text of the last run's error. */
  get error(): string | null {
    return this.errors.banner;
  }

  set error(text: string | null) {
    this.errors = { fields: {}, banner: text };
  }

  /** Hides the banner; the field errors stay. */
  dismiss(): void {
    this.errors = { ...this.errors, banner: null };
  }

  /** Forgets the last error. */
  clear(): void {
    this.errors = noErrors();
    this.failure = null;
  }

  /**
   * Runs `fn` unless a run is under way; true when it succeeded. A thrown error is kept (see `errors`)
   * and `onerror` may act on it (e.g. by its code) before `busy` goes back to false.
   */
  async run(fn: () => Promise<unknown>, onerror?: (err: ApiError) => void): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.clear();
    try {
      await fn();
      return true;
    } catch (e) {
      const err = toApiError(e);
      this.failure = err;
      this.errors = formErrors(err, this.#fields);
      onerror?.(err);
      return false;
    } finally {
      this.busy = false;
    }
  }
}

/** A screen's data: `loading` until the first answer, then `data`; a failed load keeps `error`. */
export class Loader<T> extends Task {
  data = $state.raw<T | undefined>(undefined);
  #load: () => Promise<T>;

  constructor(load: () => Promise<T>) {
    super();
    this.#load = load;
  }

  /** True until data has arrived once (LoadState shows "Memuat…" meanwhile). */
  get loading(): boolean {
    return this.data === undefined;
  }

  /** (Re)loads; the data shown stays until the new answer replaces it. */
  reload = (): Promise<boolean> =>
    this.run(async () => {
      this.data = await this.#load();
    });
}
