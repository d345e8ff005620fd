// A small hash router: `#/login`, `#/staff`, …

function currentPath(): string {
  const h = typeof location === 'undefined' ? '' : location.hash;
  const p = h.startsWith('#') ? h.slice(1) : h;
  return p.startsWith('/') ? p : '/' + p;
}

class Router {
  path = $state(currentPath());

  constructor() {
    if (typeof window !== 'undefined') {
      window.addEventListener('hashchange', () => {
        this.path = currentPath();
      });
    }
  }
}

export const router = new Router();

export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  if (router.path === path) return;
  if (opts.replace) {
    history.replaceState(history.state, '', '#' + path);
  } else {
    location.hash = '#' + path;
  }
  router.path = path;
}

/** The route without its query: `/intake?ticket=…` → `/intake`. */
export function pathOf(full: string): string {
  const i = full.indexOf('?');
  return i >= 0 ? full.slice(0, i) : full;
}

/** The query of a route: `/intake?ticket=…&number=A-001`. */
export function queryOf(full: string): URLSearchParams {
  const i = full.indexOf('?');
  return new URLSearchParams(i >= 0 ? full.slice(i + 1) : '');
}
