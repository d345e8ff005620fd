/* Makes fsync/fdatasync as slow as an office PC's disk, for benchmarks only:
 *   LD_PRELOAD=target/slow_fsync.so SLOW_FSYNC_MS=5 cargo bench --bench queue_load
 * This machine's virtual disk flushes in ~0.3 ms; a SATA SSD or a hard disk takes milliseconds.
 * The delay is added before the real call, so durability is unchanged. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

static void pause_for_disk(void) {
    const char *ms = getenv("SLOW_FSYNC_MS");
    long delay = ms ? atol(ms) : 5;
    struct timespec t = { delay / 1000, (delay % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    pause_for_disk();
    return real(fd);
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    pause_for_disk();
    return real(fd);
}
