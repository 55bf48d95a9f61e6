/*
 * bignum: arbitrary precision in base 10^9 limbs (32-bit limbs, 64-bit
 * products and quotients): 100!, 2^1000, Fibonacci(1000), and a schoolbook
 * multiply of two 300-digit numbers, printed in full. Exercises MULTU /
 * DMULTU, DIVU / DDIVU by a constant and carry propagation. Differential.
 */
#include "tio.h"

#define BASE 1000000000u
#define MAXL 400

struct big {
    int n;
    uint32_t d[MAXL]; /* little-endian limbs */
};

static void big_set(struct big *a, uint32_t v)
{
    a->n = 1;
    a->d[0] = v % BASE;
    if (v >= BASE) {
        a->d[1] = v / BASE;
        a->n = 2;
    }
}

static void big_mul_small(struct big *a, uint32_t m)
{
    uint64_t carry = 0;
    int i;
    for (i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->d[i] * m + carry;
        a->d[i] = (uint32_t)(t % BASE);
        carry = t / BASE;
    }
    while (carry) {
        a->d[a->n++] = (uint32_t)(carry % BASE);
        carry /= BASE;
    }
}

static void big_add(struct big *r, const struct big *a, const struct big *b)
{
    uint32_t carry = 0;
    int i, n = a->n > b->n ? a->n : b->n;
    for (i = 0; i < n; i++) {
        uint32_t t = carry + (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0);
        carry = t >= BASE;
        r->d[i] = carry ? t - BASE : t;
    }
    r->n = n;
    if (carry)
        r->d[r->n++] = 1;
}

static void big_mul(struct big *r, const struct big *a, const struct big *b)
{
    static uint64_t acc[2 * MAXL];
    int i, j;
    for (i = 0; i < a->n + b->n; i++)
        acc[i] = 0;
    for (i = 0; i < a->n; i++) {
        uint64_t carry = 0;
        for (j = 0; j < b->n; j++) {
            uint64_t t = acc[i + j] + (uint64_t)a->d[i] * b->d[j] + carry;
            acc[i + j] = t % BASE;
            carry = t / BASE;
        }
        acc[i + b->n] += carry;
    }
    r->n = a->n + b->n;
    for (i = 0; i < r->n; i++)
        r->d[i] = (uint32_t)acc[i];
    while (r->n > 1 && !r->d[r->n - 1])
        r->n--;
}

static void big_print(const char *name, const struct big *a)
{
    int i, digits;
    uint64_t h = T_FNV_INIT;
    char first[16];
    t_snprintf(first, sizeof(first), "%u", a->d[a->n - 1]);
    digits = (int)t_strlen(first) + 9 * (a->n - 1);
    for (i = 0; i < a->n; i++)
        h = t_fnv(h, a->d[i]);
    t_printf("%s: digits=%d h=%016llx\n  %s", name, digits, h, first);
    for (i = a->n - 2; i >= 0; i--) {
        t_printf("%09u", a->d[i]);
        if ((a->n - 2 - i) % 7 == 6)
            t_printf("\n  ");
    }
    t_printf("\n");
}

static struct big x, y, z, w;

void test_main(void)
{
    uint32_t i;

    big_set(&x, 1);
    for (i = 2; i <= 100; i++)
        big_mul_small(&x, i);
    big_print("100!", &x);

    big_set(&x, 1);
    for (i = 0; i < 1000; i++)
        big_mul_small(&x, 2);
    big_print("2^1000", &x);

    big_set(&x, 0);
    big_set(&y, 1);
    for (i = 0; i < 1000; i++) {
        big_add(&z, &x, &y);
        x = y;
        y = z;
    }
    big_print("fib(1000)", &x);

    /* (3^600) * (7^300) two ways */
    big_set(&x, 1);
    for (i = 0; i < 600; i++)
        big_mul_small(&x, 3);
    big_set(&y, 1);
    for (i = 0; i < 300; i++)
        big_mul_small(&y, 7);
    big_mul(&z, &x, &y);
    w = x;
    for (i = 0; i < 300; i++)
        big_mul_small(&w, 7);
    t_printf("3^600*7^300: same=%d\n",
             z.n == w.n && t_memcmp(z.d, w.d, sizeof(uint32_t) * (unsigned)z.n) == 0);
    big_print("3^600*7^300", &z);
}
