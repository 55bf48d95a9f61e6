/*
 * idle-PC calibration (hypervisor `vm get_idle_pc_prop`, mips64.md §10.4
 * and §12 item 9): the CPU thread counts the PC at every slice end and
 * probes the hot places for pure polling loops; proposals are the loops
 * found, then the PCs where the guest spent at least 1% of the slices.
 */
#include "cpu/mips64/idle_auto.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/mips64/cpu_internal.h"

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#define CALIB_HASH 4096u
#define CALIB_LOOPS 16
#define CALIB_PROBES 64
#define CALIB_PROBE_AT 8u /* samples of one PC before probing there */

enum { CALIB_OFF = 0, CALIB_RUN, CALIB_DONE };

struct calib_entry {
    uint64_t pc;
    uint32_t count;
    int probed;
};

struct mips_idle_calib {
    pthread_mutex_t lock;
    int state; /* written under lock with atomic stores: the CPU thread
                  reads it without the lock (mips_idle_calib_service) */
    uint64_t end_ns;
    uint64_t samples;
    int nprobes, nloops;
    struct mips_idle_loop loops[CALIB_LOOPS];
    struct calib_entry h[CALIB_HASH];
    struct mips_idle_prop props[MIPS_IDLE_PROPS];
    int nprops;
};

static struct calib_entry *calib_slot(struct mips_idle_calib *c, uint64_t pc)
{
    unsigned i = (unsigned)((pc >> 2) * 0x9E3779B97F4A7C15ull >> 52) &
                 (CALIB_HASH - 1);
    for (unsigned n = 0; n < 16; n++, i = (i + 1) & (CALIB_HASH - 1)) {
        if (c->h[i].count == 0) {
            c->h[i].pc = pc;
            return &c->h[i];
        }
        if (c->h[i].pc == pc)
            return &c->h[i];
    }
    return NULL; /* crowded: one sample lost */
}

static int by_count(const void *x, const void *y)
{
    const struct mips_idle_prop *a = x, *b = y;
    if (a->loop != b->loop)
        return a->loop ? -1 : 1;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return a->pc < b->pc ? -1 : a->pc > b->pc;
}

/* Proposals: verified loops (samples inside them), then PCs where the
 * guest spent at least 1% of the slices. */
static void calib_finish(struct mips_idle_calib *c)
{
    struct mips_idle_prop all[CALIB_LOOPS + MIPS_IDLE_PROPS];
    int n = 0;
    for (int i = 0; i < c->nloops; i++) {
        uint32_t cnt = 0;
        for (unsigned j = 0; j < CALIB_HASH; j++)
            if (c->h[j].count && mips_idle_loop_has(&c->loops[i], c->h[j].pc))
                cnt += c->h[j].count;
        all[n++] = (struct mips_idle_prop){(uint32_t)c->loops[i].pc, cnt, 1};
    }
    /* the hottest PCs, a partial selection */
    for (int k = 0; k < MIPS_IDLE_PROPS; k++) {
        struct calib_entry *best = NULL;
        for (unsigned j = 0; j < CALIB_HASH; j++) {
            struct calib_entry *e = &c->h[j];
            if (e->count && e->probed >= 0 &&
                (!best || e->count > best->count))
                best = e;
        }
        if (!best || best->count * 100 < c->samples)
            break; /* under 1% of the time there: not where it idles */
        int dup = 0;
        for (int i = 0; i < c->nloops; i++)
            dup |= (uint32_t)c->loops[i].pc == (uint32_t)best->pc;
        if (!dup)
            all[n++] = (struct mips_idle_prop){(uint32_t)best->pc,
                                               best->count, 0};
        best->probed = -1; /* taken */
    }
    qsort(all, (size_t)n, sizeof(all[0]), by_count);
    c->nprops = n < MIPS_IDLE_PROPS ? n : MIPS_IDLE_PROPS;
    memcpy(c->props, all, (size_t)c->nprops * sizeof(all[0]));
    __atomic_store_n(&c->state, CALIB_DONE, __ATOMIC_RELEASE);
}

static void calib_sample(struct mips_cpu *cpu, struct mips_idle_calib *c)
{
    if (pthread_mutex_trylock(&c->lock) != 0)
        return;
    if (c->state != CALIB_RUN) {
        pthread_mutex_unlock(&c->lock);
        return;
    }
    if (mono_ns() >= c->end_ns) {
        calib_finish(c);
        pthread_mutex_unlock(&c->lock);
        return;
    }
    c->samples++;
    struct calib_entry *e = calib_slot(c, cpu->pc);
    if (e && ++e->count >= CALIB_PROBE_AT && !e->probed &&
        c->nprobes < CALIB_PROBES) {
        struct mips_idle_loop l;
        e->probed = 1;
        c->nprobes++;
        if (mips_idle_probe(cpu, &l)) {
            int known = 0;
            for (int i = 0; i < c->nloops; i++)
                known |= c->loops[i].pc == l.pc;
            if (!known && c->nloops < CALIB_LOOPS)
                c->loops[c->nloops++] = l;
        }
    }
    pthread_mutex_unlock(&c->lock);
}

int mips_cpu_idle_calib_start(struct mips_cpu *cpu, unsigned ms)
{
    struct mips_idle_calib *c = __atomic_load_n(&cpu->idle_calib,
                                                __ATOMIC_ACQUIRE);
    if (!c) {
        c = calloc(1, sizeof(*c));
        if (!c)
            return -ENOMEM;
        pthread_mutex_init(&c->lock, NULL);
        __atomic_store_n(&cpu->idle_calib, c, __ATOMIC_RELEASE);
    }
    pthread_mutex_lock(&c->lock);
    if (c->state == CALIB_RUN) {
        pthread_mutex_unlock(&c->lock);
        return -EBUSY;
    }
    memset(c->h, 0, sizeof(c->h));
    c->samples = 0;
    c->nprobes = c->nloops = c->nprops = 0;
    c->end_ns = mono_ns() + (uint64_t)ms * 1000000u;
    __atomic_store_n(&c->state, CALIB_RUN, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&c->lock);
    return 0;
}

int mips_cpu_idle_calib_result(struct mips_cpu *cpu,
                               struct mips_idle_prop *props, int max)
{
    struct mips_idle_calib *c = __atomic_load_n(&cpu->idle_calib,
                                                __ATOMIC_ACQUIRE);
    if (!c)
        return 0;
    pthread_mutex_lock(&c->lock);
    /* A CPU that ran no slice meanwhile (a long WAIT) is finished here. */
    if (c->state == CALIB_RUN && mono_ns() >= c->end_ns)
        calib_finish(c);
    int n = -EAGAIN;
    if (c->state == CALIB_DONE) {
        n = c->nprops < max ? c->nprops : max;
        memcpy(props, c->props, (size_t)n * sizeof(*props));
        __atomic_store_n(&c->state, CALIB_OFF, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&c->lock);
    return n;
}

void mips_cpu_idle_calib_cancel(struct mips_cpu *cpu)
{
    struct mips_idle_calib *c = __atomic_load_n(&cpu->idle_calib,
                                                __ATOMIC_ACQUIRE);
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    __atomic_store_n(&c->state, CALIB_OFF, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&c->lock);
}

/* ---------------------------------------------------- for idle_auto.c */

void mips_idle_calib_service(struct mips_cpu *cpu)
{
    struct mips_idle_calib *c = __atomic_load_n(&cpu->idle_calib,
                                                __ATOMIC_ACQUIRE);
    if (c && __atomic_load_n(&c->state, __ATOMIC_ACQUIRE) == CALIB_RUN)
        calib_sample(cpu, c);
}

int mips_idle_calibrating(const struct mips_cpu *cpu)
{
    struct mips_idle_calib *c = __atomic_load_n(&cpu->idle_calib,
                                                __ATOMIC_ACQUIRE);
    return c && __atomic_load_n(&c->state, __ATOMIC_ACQUIRE) == CALIB_RUN;
}

void mips_idle_calib_free(struct mips_cpu *cpu)
{
    struct mips_idle_calib *c = cpu->idle_calib;
    if (c) {
        pthread_mutex_destroy(&c->lock);
        free(c);
        cpu->idle_calib = NULL;
    }
}
