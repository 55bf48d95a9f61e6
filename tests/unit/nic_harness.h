/*
 * Helpers for the network-chip unit tests: guest RAM in a physical map (the
 * chips' DMA target), an interrupt recorder, big-endian pokes into that RAM
 * for descriptor rings, register access through the chip's window.
 */
#ifndef TESTS_NIC_HARNESS_H
#define TESTS_NIC_HARNESS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dev/device.h"
#include "mem/physmap.h"

#define NIC_RAM_SIZE (1u << 20)

struct nic_ram {
    struct physmap pm;
    uint8_t *ram;
};

static inline void nic_ram_init(struct nic_ram *r)
{
    physmap_init(&r->pm, NULL, 0x1FFFFFFFFull);
    r->ram = calloc(1, NIC_RAM_SIZE);
    physmap_add_ram(&r->pm, "ram", 0, NIC_RAM_SIZE, r->ram, 0);
}

static inline void nic_ram_fini(struct nic_ram *r)
{
    physmap_free(&r->pm);
    free(r->ram);
}

static inline void w32(struct nic_ram *r, uint32_t a, uint32_t v)
{
    be32_store(r->ram + a, v);
}

static inline uint32_t r32(struct nic_ram *r, uint32_t a)
{
    return be32_load(r->ram + a);
}

struct irq_rec {
    int level;
    int raises;
};

static void irq_rec_set(void *ctx, int line, int level)
{
    struct irq_rec *q = ctx;
    (void)line;
    if (level && !q->level) {
        q->raises++;
    }
    q->level = level;
}

static inline struct irq_line irq_rec_line(struct irq_rec *q)
{
    return (struct irq_line){.set = irq_rec_set, .ctx = q, .line = 0};
}

/* Fill a frame: broadcast or the given destination, a counter pattern. */
static inline void make_frame(uint8_t *f, size_t len, const uint8_t *dst)
{
    static const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    memcpy(f, dst ? dst : bcast, 6);
    static const uint8_t src[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    memcpy(f + 6, src, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    for (size_t i = 14; i < len; i++) {
        f[i] = (uint8_t)(i * 7 + 3);
    }
}

#endif
