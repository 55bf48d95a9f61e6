/*
 * native_main.c - the CPU benchmark workload (guest/bench/workload.c) as a
 * host program, for comparison with the emulated run. Prints the same
 * checksum lines as the guest image, then the time the workload took
 * (CLOCK_MONOTONIC), whole and per kernel.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "workload.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(void)
{
    uint64_t ns[BENCH_KERNELS] = {0};
    uint32_t sum[BENCH_KERNELS] = {0};
    uint32_t total = 0;

    printf("cpu_bench: %d kernels, %d rounds\n", BENCH_KERNELS, BENCH_ROUNDS);
    uint64_t t0 = now_ns();
    bench_init();
    for (uint32_t round = 0; round < BENCH_ROUNDS; round++) {
        for (int k = 0; k < BENCH_KERNELS; k++) {
            uint64_t c0 = now_ns();
            uint32_t v = bench_kernel(k, round);
            ns[k] += now_ns() - c0;
            sum[k] = bench_mix(sum[k], v);
            total = bench_mix(total, v);
        }
    }
    uint64_t all = now_ns() - t0;

    for (int k = 0; k < BENCH_KERNELS; k++)
        printf("kernel %-8s 0x%08" PRIx32 "\n", bench_kernel_name[k], sum[k]);
    printf("checksum 0x%08" PRIx32 "\n", total);
    for (int k = 0; k < BENCH_KERNELS; k++)
        printf("time_ns %-8s %" PRIu64 "\n", bench_kernel_name[k], ns[k]);
    printf("time_ns total    %" PRIu64 "\n", all);
    return 0;
}
