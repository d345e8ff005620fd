// The shared screen pieces render the elements the E2E suites select: a submit button with its
// testid, the confirm dialog's two buttons, a table with its testid and header cells.
import { createRawSnippet, type Component } from 'svelte';
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import ConfirmDialog from './ConfirmDialog.svelte';
import DataTable from './DataTable.svelte';
import FormActions from './FormActions.svelte';
import LoadState from './LoadState.svelte';
import PageHead from './PageHead.svelte';

const html = (s: string) => createRawSnippet(() => ({ render: () => s }));

/** The server render without Svelte's hydration markers (props as loose as Svelte's Component allows). */
function markup<P extends Record<string, any>>(component: Component<P>, props: P): string {
  return render(component, { props }).body.replace(/<!--.*?-->/g, '');
}

describe('FormActions', () => {
  it('renders the submit button with its testid and Batal only when the form can be left', () => {
    const plain = markup(FormActions, { testid: 'x-save', busy: false });
    expect(plain).toMatch(/<button type="submit" class="primary"[^>]*data-testid="x-save"[^>]*>\s*Simpan\s*<\/button>/);
    expect(plain).not.toContain('Batal');
    const dialog = markup(FormActions, { testid: 'x-save', busy: true, class: 'block', oncancel: () => {} });
    expect(dialog).toMatch(/<button type="button" class="secondary"[^>]*>Batal<\/button>/);
    expect(dialog).toMatch(/class="primary block"[^>]*disabled/);
    expect(dialog).toContain('Menyimpan');
  });
});

describe('ConfirmDialog', () => {
  it('has the text, Batal and the action button with its testid', () => {
    const noop = () => {};
    const body = markup(ConfirmDialog, { title: 'Judul', text: 'Yakin?', testid: 'x-dialog', confirmLabel: 'Nonaktifkan',
      confirmTestid: 'x-confirm', danger: true, error: 'Gagal', onconfirm: noop, onclose: noop });
    expect(body).toMatch(/<dialog[^>]*data-testid="x-dialog"/);
    expect(body).toContain('<p>Yakin?</p>');
    expect(body).toContain('data-testid="error-banner"');
    expect(body).toMatch(/<button type="button" class="danger-button"[^>]*data-testid="x-confirm"[^>]*>Nonaktifkan<\/button>/);
  });
});

describe('DataTable', () => {
  it('renders the header cells and the rows it is given', () => {
    const columns = [{ label: 'Nama' }, { label: 'Kuota', class: 'num' }, { label: 'Ubah', class: 'actions-col', hidden: true }];
    const body = markup(DataTable, { testid: 'x-table', class: 'compact', columns, children: html('<tr data-testid="x-row"><td>a</td></tr>') });
    expect(body).toMatch(/<div class="table-wrap"><table class="data compact" data-testid="x-table">/);
    expect(body).toContain('<th scope="col">Nama</th>');
    expect(body).toContain('<th scope="col" class="num">Kuota</th>');
    expect(body).toContain('<th scope="col" class="actions-col"><span class="sr-only">Ubah</span></th>');
    expect(body).toMatch(/<tbody>.*data-testid="x-row".*<\/tbody>/s);
  });
});

describe('LoadState and PageHead', () => {
  it('shows the error with a retry button, then loading, then the content', () => {
    const base = { onretry: () => {}, children: html('<p>isi</p>') };
    const failed = markup(LoadState, { ...base, error: 'Putus', loading: false, errorTestid: 'x-error' });
    expect(failed).toContain('data-testid="x-error"');
    expect(failed).toMatch(/<button type="button" class="secondary">Coba lagi<\/button>/);
    expect(markup(LoadState, { ...base, error: null, loading: true })).toContain('class="muted"');
    expect(markup(LoadState, { ...base, error: null, loading: false })).toContain('<p>isi</p>');
  });

  it('names the heading by its id', () => {
    const body = markup(PageHead, { id: 'x-title', title: 'Judul', intro: 'Pengantar', introTestid: 'x-intro' });
    expect(body).toContain('<h1 id="x-title">Judul</h1>');
    expect(body).toContain('<p class="lead" data-testid="x-intro">Pengantar</p>');
  });
});
