/* window-probe: start a program and time its window, for scripts/bench-window.sh.
 *
 *   window-probe RRGGBB X LOG -- PROGRAM ARGS...
 *
 * Starts PROGRAM with its output to the file LOG, in its own session (so the caller can end it with everything it started, by its
 * process group), then polls the X server every 5 ms. It prints one line and exits, leaving PROGRAM
 * running:
 *
 *   pid=N mapped_ms=T1 drawn_ms=T2 window=0xID title=...
 *
 * mapped_ms: from just before exec to the first viewable top-level window whose _NET_WM_PID is
 * PROGRAM's pid. drawn_ms: to the first poll at which the column of pixels at x = X (the top 300
 * rows) of that window holds the colour RRGGBB, e.g. the UI's header. Exits 1 after 120 s without
 * either, or when PROGRAM exits first. Cheap enough to poll: one XQueryTree and a 1x300 XGetImage.
 *
 * Build: gcc -O2 -o window-probe window-probe.c -lX11
 */
#define _GNU_SOURCE
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static long window_pid(Display *d, Window w, Atom pid_atom) {
    Atom type;
    int format;
    unsigned long n, after;
    unsigned char *data = NULL;
    long pid = -1;
    if (XGetWindowProperty(d, w, pid_atom, 0, 1, False, XA_CARDINAL, &type, &format, &n, &after, &data) == Success && data) {
        if (n == 1 && format == 32) pid = *(unsigned long *)data;
        XFree(data);
    }
    return pid;
}

static int ignore_errors(Display *d, XErrorEvent *e) {
    (void)d;
    (void)e;
    return 0; /* a window may vanish between XQueryTree and the next call */
}

/* The top-level (child of root) viewable window of pid, or 0. */
static Window find_window(Display *d, pid_t pid, Atom pid_atom) {
    Window root_ret, parent, *children = NULL, found = 0;
    unsigned int n = 0;
    if (!XQueryTree(d, DefaultRootWindow(d), &root_ret, &parent, &children, &n)) return 0;
    for (unsigned int i = 0; i < n && !found; i++) {
        XWindowAttributes a;
        if (!XGetWindowAttributes(d, children[i], &a) || a.map_state != IsViewable) continue;
        if (window_pid(d, children[i], pid_atom) == pid) found = children[i];
    }
    if (children) XFree(children);
    return found;
}

/* One channel of a pixel as 0..255, whatever the visual's masks. */
static unsigned long channel(unsigned long p, unsigned long mask) {
    if (!mask) return 0;
    int shift = 0, bits = 0;
    while (!(mask & 1)) { mask >>= 1; shift++; }
    for (unsigned long m = mask; m; m >>= 1) bits++;
    unsigned long v = (p >> shift) & mask;
    return bits > 8 ? v >> (bits - 8) : v << (8 - bits);
}

static int column_has(Display *d, Window w, int x, unsigned long rgb) {
    XWindowAttributes a;
    if (!XGetWindowAttributes(d, w, &a) || x >= a.width) return 0;
    int h = a.height < 300 ? a.height : 300;
    XImage *img = XGetImage(d, w, x, 0, 1, h, AllPlanes, ZPixmap);
    if (!img) return 0;
    int hit = 0;
    for (int y = 0; y < h && !hit; y++) {
        unsigned long p = XGetPixel(img, 0, y);
        unsigned long c = channel(p, img->red_mask) << 16 | channel(p, img->green_mask) << 8 | channel(p, img->blue_mask);
        hit = c == rgb;
    }
    XDestroyImage(img);
    return hit;
}

int main(int argc, char **argv) {
    if (argc < 6 || strcmp(argv[4], "--") != 0) {
        fprintf(stderr, "usage: %s RRGGBB X LOG -- PROGRAM ARGS...\n", argv[0]);
        return 2;
    }
    unsigned long rgb = strtoul(argv[1], NULL, 16);
    int x = atoi(argv[2]);
    Display *d = XOpenDisplay(NULL);
    if (!d) {
        fprintf(stderr, "window-probe: cannot open display %s\n", getenv("DISPLAY") ? getenv("DISPLAY") : "(DISPLAY unset)");
        return 1;
    }
    XSetErrorHandler(ignore_errors);
    Atom pid_atom = XInternAtom(d, "_NET_WM_PID", False);

    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
        setsid();
        /* Not this probe's stdout: the caller reads that until it closes. */
        if (!freopen(argv[3], "a", stdout) || dup2(fileno(stdout), 2) < 0) _exit(126);
        execvp(argv[5], &argv[5]);
        perror("window-probe: exec");
        _exit(127);
    }
    Window w = 0;
    double mapped = -1, drawn = -1;
    while (now_ms() - t0 < 120000) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            fprintf(stderr, "window-probe: %s exited before its window was %s\n", argv[5], w ? "drawn" : "mapped");
            return 1;
        }
        if (!w) {
            w = find_window(d, pid, pid_atom);
            if (w) mapped = now_ms() - t0;
        }
        if (w && column_has(d, w, x, rgb)) {
            drawn = now_ms() - t0;
            break;
        }
        usleep(5000);
    }
    if (drawn < 0) {
        fprintf(stderr, "window-probe: no %s within 120 s\n", w ? "drawn page" : "mapped window");
        return 1;
    }
    char *name = NULL;
    XFetchName(d, w, &name);
    printf("pid=%d mapped_ms=%.0f drawn_ms=%.0f window=0x%lx title=%s\n", pid, mapped, drawn, w, name ? name : "");
    fflush(stdout);
    return 0;
}
