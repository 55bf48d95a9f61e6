/*
 * wake_floor: the host CPU a thread spends doing nothing but waking up N
 * times a second, the way an idle router's CPU thread sleeps (a futex
 * wait with an absolute CLOCK_MONOTONIC deadline, cpu.c cpu_sleep_until).
 * What bench/idle_bench.py shows for a guest whose timers wake the CPU
 * thread N times a second cannot go below this.
 *
 *   cc -std=c11 -O2 -o /tmp/wake_floor bench/wake_floor.c
 *   /tmp/wake_floor 267 5     # 267 wakes a second for 5 s
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S 1000000000ull

static uint64_t now_ns(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    long hz = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
    long secs = argc > 2 ? strtol(argv[2], NULL, 10) : 5;
    if (hz <= 0 || hz > 100000 || secs <= 0 || secs > 3600) {
        fprintf(stderr, "usage: wake_floor WAKES_PER_SECOND [SECONDS]\n");
        return 2;
    }
    uint32_t word = 0; /* never changes: every wait ends at its deadline */
    uint64_t t0 = now_ns(CLOCK_MONOTONIC);
    uint64_t c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
    uint64_t dl = t0;
    long n = hz * secs;
    for (long i = 0; i < n; i++) {
        dl += NS_PER_S / (uint64_t)hz;
        struct timespec ts = {.tv_sec = (time_t)(dl / NS_PER_S),
                              .tv_nsec = (long)(dl % NS_PER_S)};
        syscall(SYS_futex, &word, FUTEX_WAIT_BITSET_PRIVATE, 0, &ts, NULL,
                FUTEX_BITSET_MATCH_ANY);
    }
    uint64_t c1 = now_ns(CLOCK_THREAD_CPUTIME_ID);
    uint64_t t1 = now_ns(CLOCK_MONOTONIC);
    printf("%ld wakes a second: %.3f%% of a core, %.1f us per wake\n", hz,
           100.0 * (double)(c1 - c0) / (double)(t1 - t0),
           (double)(c1 - c0) / 1e3 / (double)n);
    return 0;
}
