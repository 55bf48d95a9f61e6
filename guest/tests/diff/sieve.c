/*
 * sieve: Eratosthenes on a bit array (shifts, AND/OR with masks, SLL/SRLV),
 * prime counts per decade, twin primes, Collatz chain lengths and a 32-bit
 * integer square root. Differential against qemu.
 */
#include "tio.h"

#define LIMIT 200000
static uint32_t bits[LIMIT / 32 + 1];

static int is_composite(uint32_t n)
{
    return (int)((bits[n >> 5] >> (n & 31)) & 1);
}

static void sieve(void)
{
    uint32_t i, j;
    bits[0] |= 3; /* 0 and 1 */
    for (i = 2; i * i < LIMIT; i++)
        if (!is_composite(i))
            for (j = i * i; j < LIMIT; j += i)
                bits[j >> 5] |= 1u << (j & 31);
}

static uint32_t isqrt32(uint32_t n)
{
    uint32_t r = 0, bit = 1u << 30;
    while (bit > n)
        bit >>= 2;
    while (bit) {
        if (n >= r + bit) {
            n -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    return r;
}

void test_main(void)
{
    uint32_t n, count = 0, twins = 0, last = 0, decade = 10;
    uint64_t sum = 0, h = T_FNV_INIT;

    sieve();
    for (n = 0; n < LIMIT; n++) {
        if (!is_composite(n)) {
            count++;
            sum += n;
            h = t_fnv(h, n);
            if (last && n - last == 2)
                twins++;
            last = n;
        }
        if (n + 1 == decade) {
            t_printf("pi(%u)=%u\n", decade, count);
            decade *= 10;
        }
    }
    t_printf("primes<%u: count=%u sum=%llu last=%u twins=%u h=%016llx\n",
             LIMIT, count, sum, last, twins, h);
    t_printf("words: [0]=%08x [1]=%08x [100]=%08x [last]=%08x\n", bits[0],
             bits[1], bits[100], bits[LIMIT / 32 - 1]);

    {
        uint32_t best = 0, best_n = 0, i;
        uint64_t hc = T_FNV_INIT;
        for (i = 1; i < 30000; i++) {
            uint64_t x = i;
            uint32_t len = 0;
            while (x != 1) {
                x = (x & 1) ? 3 * x + 1 : x >> 1;
                len++;
            }
            hc = t_fnv(hc, len);
            if (len > best) {
                best = len;
                best_n = i;
            }
        }
        t_printf("collatz<30000: longest n=%u len=%u h=%016llx\n", best_n, best,
                 hc);
    }
    {
        static const uint32_t v[] = { 0, 1, 2, 3, 4, 15, 16, 17, 99, 100,
                                      65535, 65536, 1000000, 0x7FFFFFFF,
                                      0xFFFFFFFF };
        int i;
        t_printf("isqrt:");
        for (i = 0; i < 15; i++)
            t_printf(" %u", isqrt32(v[i]));
        t_printf("\n");
    }
}
