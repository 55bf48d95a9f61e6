/*
 * workload.h - the CPU benchmark workload, portable C shared by the
 * bare-metal image (cpu_bench.c) and the native host build
 * (bench/native_main.c): same source, same checksum on both.
 *
 * Four kernels, each run once per round:
 *   crc32    table-driven CRC-32, four passes over a 32 KiB buffer
 *   sort     quicksort of 8192 pseudo-random 32-bit integers
 *   interp   a small register-machine bytecode interpreter (Collatz walk)
 *   arith64  64-bit multiply, divide and remainder (signed and unsigned)
 *
 * Only fixed-width types are used, so the o32 guest (32-bit long) and the
 * LP64 host compute the same values.
 */
#ifndef BENCH_WORKLOAD_H
#define BENCH_WORKLOAD_H

#include <stdint.h>

#define BENCH_KERNELS 4

#ifndef BENCH_ROUNDS
#define BENCH_ROUNDS 80
#endif

/* Kernel names, index = kernel number. */
extern const char *const bench_kernel_name[BENCH_KERNELS];

/* Builds the tables and buffers; call once before any kernel. */
void bench_init(void);

/* Runs kernel k for the given round; returns the kernel's checksum. */
uint32_t bench_kernel(int k, uint32_t round);

/* Folds a kernel checksum into the running total. */
uint32_t bench_mix(uint32_t total, uint32_t value);

#endif /* BENCH_WORKLOAD_H */
