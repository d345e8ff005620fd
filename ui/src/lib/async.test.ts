import { describe, expect, it } from 'vitest';
import { ApiError } from './api/client';
import { Loader, Task } from './async.svelte';

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Task', () => {
  it('is busy while it runs, and runs once at a time', async () => {
    const task = new Task();
    const d = deferred<void>();
    const first = task.run(() => d.promise);
    expect(task.busy).toBe(true);
    expect(await task.run(async () => {})).toBe(false);
    d.resolve();
    expect(await first).toBe(true);
    expect(task.busy).toBe(false);
    expect(task.error).toBeNull();
  });

  it('keeps the error of a failed run, next to a field the form shows or for the banner', async () => {
    const task = new Task(['name']);
    const seen: string[] = [];
    const ok = await task.run(
      () => Promise.reject(new ApiError('VALIDATION', 'Nama wajib diisi', 'name')),
      (err) => seen.push(err.code),
    );
    expect(ok).toBe(false);
    expect(task.busy).toBe(false);
    expect(task.errors).toEqual({ fields: { name: 'Nama wajib diisi' }, banner: null });
    expect(task.failure?.code).toBe('VALIDATION');
    expect(seen).toEqual(['VALIDATION']);

    await task.run(() => Promise.reject(new ApiError('CONFLICT', 'Sudah ada', 'other')));
    expect(task.errors).toEqual({ fields: {}, banner: 'Sudah ada' });
    expect(task.error).toBe('Sudah ada');
  });

  it('forgets the last error when it runs again or is cleared', async () => {
    const task = new Task();
    await task.run(() => Promise.reject(new Error('boom')));
    expect(task.error).toBe('boom');
    await task.run(async () => {});
    expect(task.error).toBeNull();
    task.error = 'Pilih loket';
    expect(task.errors.banner).toBe('Pilih loket');
    task.errors = { fields: { nik: 'Wajib diisi' }, banner: 'Lengkapi isian' };
    task.dismiss();
    expect(task.errors).toEqual({ fields: { nik: 'Wajib diisi' }, banner: null });
    task.clear();
    expect(task.error).toBeNull();
    expect(task.failure).toBeNull();
  });
});

describe('Loader', () => {
  it('is loading until the first answer and keeps its data through a failed reload', async () => {
    let answer: () => Promise<number[]> = async () => [1, 2];
    const loader = new Loader(() => answer());
    expect(loader.loading).toBe(true);
    expect(await loader.reload()).toBe(true);
    expect(loader.loading).toBe(false);
    expect(loader.data).toEqual([1, 2]);

    answer = () => Promise.reject(new ApiError('NETWORK', 'Hub tidak terjangkau'));
    expect(await loader.reload()).toBe(false);
    expect(loader.error).toBe('Hub tidak terjangkau');
    expect(loader.data).toEqual([1, 2]);
    expect(loader.loading).toBe(false);
  });

  it('lets a newer reload win over one still under way', async () => {
    const answers = [deferred<string>(), deferred<string>()];
    let n = 0;
    const loader = new Loader(() => answers[n++].promise);
    const first = loader.reload();
    const second = loader.reload();
    answers[1].resolve('baru');
    expect(await second).toBe(true);
    expect(loader.busy).toBe(false);
    answers[0].reject(new Error('lama'));
    expect(await first).toBe(false);
    expect(loader.data).toBe('baru');
    expect(loader.error).toBeNull();
  });

  it('shows the error of a first load that failed, with loading still true', async () => {
    const loader = new Loader<string>(() => Promise.reject(new Error('gagal')));
    await loader.reload();
    expect(loader.error).toBe('gagal');
    expect(loader.loading).toBe(true);
    expect(loader.busy).toBe(false);
  });
});
