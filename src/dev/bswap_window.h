/*
 * Byte-swapped view of physical memory (shared spec c7200.md §3.3): a
 * window at W mirroring physical base P. An access at W + off of size
 *   1 -> the byte at P + (off XOR 3);
 *   2 -> the halfword at P + (off XOR 2), byte-reversed;
 *   4 -> the word at P + off, byte-reversed;
 *   8 -> two such words, at off (high half) and off + 4 (low half)
 *        (inference: the reference leaves 8-byte accesses undefined).
 * The target accesses go through the physical map as uncached accesses,
 * so whatever is mapped at P (DRAM, I/O memory, packet SRAM) answers.
 *
 * The c7200 maps one at 0xC0000000 (1 GB over physical 0) and one per
 * packet-SRAM bank (c7200.md §3.2). The machine maps the window
 * PR_UNCACHED_ONLY (c7200.md §3.1). No interrupt; CPU thread or DMA.
 */
#ifndef DEV_BSWAP_WINDOW_H
#define DEV_BSWAP_WINDOW_H

#include <stdint.h>

#include "dev/device.h"

struct physmap;
struct bswap_window;

/* name is kept by pointer. 0 or -ENOMEM / -EINVAL. */
int bswap_window_create(const char *name, struct physmap *pm, uint64_t target,
                        struct bswap_window **out);
void bswap_window_destroy(struct bswap_window *w);
struct device *bswap_window_device(struct bswap_window *w);

#endif
