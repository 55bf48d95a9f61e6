/*
 * An interrupt line recorder for device unit tests: a struct irq_log as
 * the context of an irq_line whose set function is irq_log_set keeps the
 * last level and line driven and counts the calls.
 */
#ifndef TESTS_IRQ_HARNESS_H
#define TESTS_IRQ_HARNESS_H

struct irq_log {
    int level;
    int calls;
    int line;
};

static inline void irq_log_set(void *ctx, int line, int level)
{
    struct irq_log *r = ctx;
    r->level = level;
    r->line = line;
    r->calls++;
}

#endif
