/*
 * Filter slots of an NIO and the freq_drop filter (shared spec
 * network.md §7.1, §7.2). The capture filter is in nio_capture.c.
 *
 * One mutex per NIO guards the three slots; the send and receive paths
 * take it only while some slot holds state (filters_active), so an NIO
 * without filters costs one atomic load per frame.
 *
 * Fixed from the reference: rebinding a slot frees the old state (a
 * running capture is closed rather than leaked, §7.1).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/nio_internal.h"

static const struct nio_filter_ops *const filters[] = {
    &nio_filter_freq_drop,
    &nio_filter_capture,
};

enum nio_dir nio_dir_from_int(long v)
{
    return v == 0 ? NIO_DIR_RX : v == 1 ? NIO_DIR_TX : NIO_DIR_BOTH;
}

/* Drop the state of a slot (filter_lock held). */
static void slot_clear(struct nio *nio, struct nio_filter_slot *s)
{
    if (s->state) {
        s->ops->free(s->state);
        s->state = NULL;
        atomic_fetch_sub(&nio->filters_active, 1);
    }
}

int nio_filter_bind(struct nio *nio, enum nio_dir dir, const char *name)
{
    const struct nio_filter_ops *ops = NULL;
    for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
        if (name && !strcmp(filters[i]->name, name)) {
            ops = filters[i];
        }
    }
    if (!ops) {
        nio_log(nio, "unknown filter '%s'", name ? name : "");
        return -ENOENT;
    }
    pthread_mutex_lock(&nio->filter_lock);
    struct nio_filter_slot *s = &nio->slots[dir];
    slot_clear(nio, s);
    s->ops = ops;
    pthread_mutex_unlock(&nio->filter_lock);
    return 0;
}

int nio_filter_unbind(struct nio *nio, enum nio_dir dir)
{
    pthread_mutex_lock(&nio->filter_lock);
    struct nio_filter_slot *s = &nio->slots[dir];
    int rc = s->ops ? 0 : -ENOENT;
    /* The filter stays attached, inactive (spec §7.1). */
    slot_clear(nio, s);
    pthread_mutex_unlock(&nio->filter_lock);
    return rc;
}

int nio_filter_setup(struct nio *nio, enum nio_dir dir, int argc,
                     char *const argv[])
{
    pthread_mutex_lock(&nio->filter_lock);
    struct nio_filter_slot *s = &nio->slots[dir];
    if (!s->ops) {
        pthread_mutex_unlock(&nio->filter_lock);
        return -ENOENT;
    }
    void *state = NULL;
    /* Built before the old state goes, so a bad setup changes nothing. */
    int rc = s->ops->setup(nio, &state, argc, argv);
    if (rc == 0) {
        slot_clear(nio, s);
        s->state = state;
        atomic_fetch_add(&nio->filters_active, 1);
    }
    pthread_mutex_unlock(&nio->filter_lock);
    return rc;
}

const char *nio_filter_name(const struct nio *nio, enum nio_dir dir)
{
    const struct nio_filter_ops *ops = nio->slots[dir].ops;
    return ops ? ops->name : NULL;
}

static int slot_pass(struct nio *nio, struct nio_filter_slot *s,
                     enum nio_dir dir, const uint8_t *frame, size_t len)
{
    return !s->state || s->ops->pass(nio, s->state, dir, frame, len);
}

int nio_filter_run(struct nio *nio, enum nio_dir dir, const uint8_t *frame,
                   size_t len)
{
    pthread_mutex_lock(&nio->filter_lock);
    int pass = slot_pass(nio, &nio->slots[dir], dir, frame, len) &&
               slot_pass(nio, &nio->slots[NIO_DIR_BOTH], dir, frame, len);
    pthread_mutex_unlock(&nio->filter_lock);
    return pass;
}

void nio_filter_free_all(struct nio *nio)
{
    pthread_mutex_lock(&nio->filter_lock);
    for (int i = 0; i < 3; i++) {
        slot_clear(nio, &nio->slots[i]);
        nio->slots[i].ops = NULL;
    }
    pthread_mutex_unlock(&nio->filter_lock);
}

/* ---------------------------------------------------------- freq_drop */

struct freq_drop {
    long every; /* -1 all, 0 none, N: every N-th frame (spec §7.2) */
    long count;
};

static int freq_drop_setup(struct nio *nio, void **state, int argc,
                           char *const argv[])
{
    (void)nio;
    if (argc != 1) {
        return -EINVAL;
    }
    struct freq_drop *f = calloc(1, sizeof(*f));
    if (!f) {
        return -ENOMEM;
    }
    f->every = atol(argv[0]); /* atoi semantics, as the reference */
    *state = f;
    return 0;
}

static int freq_drop_pass(struct nio *nio, void *state, enum nio_dir dir,
                          const uint8_t *frame, size_t len)
{
    (void)nio;
    (void)dir;
    (void)frame;
    (void)len;
    struct freq_drop *f = state;
    if (f->every == -1) {
        return 0;
    }
    if (f->every <= 0) {
        return 1;
    }
    if (++f->count >= f->every) {
        f->count = 0;
        return 0;
    }
    return 1;
}

const struct nio_filter_ops nio_filter_freq_drop = {
    .name = "freq_drop",
    .setup = freq_drop_setup,
    .free = free,
    .pass = freq_drop_pass,
};
