/*
 * A byte ring buffer of fixed capacity: console input queues, output
 * backlogs and the replay history of a vtty. Not locked; the owner locks.
 */
#ifndef CORE_BYTERING_H
#define CORE_BYTERING_H

#include <stddef.h>
#include <stdint.h>

struct bytering {
    uint8_t *buf;
    size_t cap, head, len; /* head: index of the oldest byte */
};

int bytering_init(struct bytering *r, size_t cap); /* 0 or -ENOMEM */
void bytering_free(struct bytering *r);

static inline size_t bytering_space(const struct bytering *r)
{
    return r->cap - r->len;
}

/* Append what fits; returns the number of bytes taken. */
size_t bytering_push(struct bytering *r, const void *data, size_t n);
/* Append everything, dropping the oldest bytes; returns how many dropped. */
size_t bytering_push_overwrite(struct bytering *r, const void *data,
                               size_t n);
/* Oldest byte, removed; -1 when empty. */
int bytering_getc(struct bytering *r);
/* The oldest contiguous run (pointer and length), not removed. */
size_t bytering_peek(const struct bytering *r, const uint8_t **p);
void bytering_consume(struct bytering *r, size_t n);
/* Copy the whole content, oldest first, into out (r->len bytes). */
void bytering_copy(const struct bytering *r, uint8_t *out);

#endif
