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
  /** The form fields an API error may be shown next to (the rest go to the banner). */
  fields: readonly string[];
  /** Counts the runs: only the latest one may settle the state. */
  #runs = 0;

  constructor(fields: readonly string[] = []) {
    this.fields = fields;
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
  run(fn: () => Promise<unknown>, onerror?: (err: ApiError) => void): Promise<boolean> {
    if (this.busy) return Promise.resolve(false);
    return this.start(fn, onerror);
  }

  /**
   * Runs `fn` even while an earlier run is under way; the earlier one's outcome is then ignored
   * (`fn` is told by `current()` whether its run is still the latest).
   */
  protected async start(fn: (current: () => boolean) => Promise<unknown>, onerror?: (err: ApiError) => void): Promise<boolean> {
    const run = ++this.#runs;
    const current = () => run === this.#runs;
    this.busy = true;
    this.clear();
    try {
      await fn(current);
      return current();
    } catch (e) {
      if (!current()) return false;
      const err = toApiError(e);
      this.failure = err;
      this.errors = formErrors(err, this.fields);
      onerror?.(err);
      return false;
    } finally {
      if (current()) this.busy = false;
    }
  }
}

/**
 * A screen's data: `loading` until the first answer, then `data`; a failed load keeps `error` and
 * the data shown before. A reload while one is under way wins over it (e.g. a filter changed).
 */
export class Loader<T> extends Task {
  /** The loaded data; the screen may change it in place (a saved row). */
  data = $state<T | undefined>(undefined);
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
    this.start(async (current) => {
      const answer = await this.#load();
      if (current()) this.data = answer;
    });
}
