/*
 * cpu_bench.c - the CPU benchmark as a bare-metal image
 * (images/bench/cpu_bench.elf). Runs the workload of workload.h and prints
 * the checksums and, per kernel, how far CP0 Count advanced.
 *
 * Count is only an instruction counter when the emulator runs with
 * --deterministic (one tick per two instructions); otherwise it follows
 * host time. bench/cpu_bench.py uses the deterministic figures.
 * Interrupts are masked (Status.IE = 0) so that the ROM's timer handler
 * adds nothing to the counts.
 */
#include "cp0.h"
#include "rt.h"
#include "workload.h"

int main(void)
{
    uint64_t ticks[BENCH_KERNELS] = {0};
    uint32_t sum[BENCH_KERNELS] = {0};
    uint32_t total = 0;

    mtc0(CP0_STATUS, mfc0(CP0_STATUS) & ~ST_IE);
    printf("cpu_bench: %d kernels, %d rounds\n", BENCH_KERNELS, BENCH_ROUNDS);
    puts("bench start");

    uint32_t t0 = mfc0(CP0_COUNT);
    bench_init();
    uint32_t init_ticks = mfc0(CP0_COUNT) - t0;
    for (uint32_t round = 0; round < BENCH_ROUNDS; round++) {
        for (int k = 0; k < BENCH_KERNELS; k++) {
            uint32_t c0 = mfc0(CP0_COUNT);
            uint32_t v = bench_kernel(k, round);
            ticks[k] += mfc0(CP0_COUNT) - c0;
            sum[k] = bench_mix(sum[k], v);
            total = bench_mix(total, v);
        }
    }
    uint32_t all_ticks = mfc0(CP0_COUNT) - t0;

    puts("bench end");
    for (int k = 0; k < BENCH_KERNELS; k++)
        printf("kernel %-8s 0x%08x\n", bench_kernel_name[k], sum[k]);
    printf("checksum 0x%08x\n", total);
    for (int k = 0; k < BENCH_KERNELS; k++)
        printf("count %-8s %llu\n", bench_kernel_name[k],
               (unsigned long long)ticks[k]);
    printf("count init     %u\n", init_ticks);
    /* The whole workload; < 2^32 ticks (8.6e9 instructions). */
    printf("count total    %u\n", all_ticks);
    return 0;
}
