/*
 * sort: a qsort-like generic quicksort (comparator through a function
 * pointer: JALR), a merge sort, an insertion sort and a heap sort, on 32-bit
 * ints, 64-bit keys, records and strings. Differential against qemu.
 */
#include "tio.h"

#define N 3000

static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
    /* Numerical Recipes LCG: MULTU/MUL + ADDU. */
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state;
}

/* ---- generic quicksort over elements of any size (byte swaps) */
typedef int (*cmp_fn)(const void *, const void *);

static void swap_bytes(char *a, char *b, unsigned long size)
{
    while (size--) {
        char t = *a;
        *a++ = *b;
        *b++ = t;
    }
}

static void gqsort(void *base, unsigned long n, unsigned long size, cmp_fn cmp)
{
    char *b = base;
    while (n > 1) {
        unsigned long i, last = 0;
        /* median-of-three pivot into position 0 */
        unsigned long mid = n / 2;
        if (cmp(b + mid * size, b) < 0)
            swap_bytes(b + mid * size, b, size);
        if (cmp(b + (n - 1) * size, b) < 0)
            swap_bytes(b + (n - 1) * size, b, size);
        if (cmp(b + mid * size, b + (n - 1) * size) > 0)
            swap_bytes(b + mid * size, b + (n - 1) * size, size);
        swap_bytes(b, b + mid * size, size);
        for (i = 1; i < n; i++)
            if (cmp(b + i * size, b) < 0)
                swap_bytes(b + ++last * size, b + i * size, size);
        swap_bytes(b, b + last * size, size);
        /* recurse on the smaller part, loop on the larger */
        if (last < n - last - 1) {
            gqsort(b, last, size, cmp);
            b += (last + 1) * size;
            n -= last + 1;
        } else {
            gqsort(b + (last + 1) * size, n - last - 1, size, cmp);
            n = last;
        }
    }
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_u64_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x < y) - (x > y);
}

struct rec {
    uint16_t key;
    uint8_t tag;
    int64_t val;
    char name[6];
};

static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->val != y->val)
        return x->val < y->val ? -1 : 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return t_strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- merge sort (stable), 32-bit */
static int32_t tmp32[N];
static void msort(int32_t *a, int n)
{
    int mid, i, j, k;
    if (n < 2)
        return;
    mid = n / 2;
    msort(a, mid);
    msort(a + mid, n - mid);
    for (i = 0, j = mid, k = 0; k < n; k++) {
        if (j >= n || (i < mid && a[i] <= a[j]))
            tmp32[k] = a[i++];
        else
            tmp32[k] = a[j++];
    }
    for (k = 0; k < n; k++)
        a[k] = tmp32[k];
}

/* ---- heap sort, 64-bit signed */
static void sift(int64_t *a, int start, int end)
{
    int root = start;
    while (2 * root + 1 <= end) {
        int child = 2 * root + 1;
        if (child + 1 <= end && a[child] < a[child + 1])
            child++;
        if (a[root] < a[child]) {
            int64_t t = a[root];
            a[root] = a[child];
            a[child] = t;
            root = child;
        } else {
            return;
        }
    }
}

static void hsort(int64_t *a, int n)
{
    int start, end;
    for (start = (n - 2) / 2; start >= 0; start--)
        sift(a, start, n - 1);
    for (end = n - 1; end > 0; end--) {
        int64_t t = a[end];
        a[end] = a[0];
        a[0] = t;
        sift(a, 0, end - 1);
    }
}

/* ---- insertion sort, 16-bit (LH/LHU/SH) */
static void isort16(int16_t *a, int n)
{
    int i, j;
    for (i = 1; i < n; i++) {
        int16_t v = a[i];
        for (j = i - 1; j >= 0 && a[j] > v; j--)
            a[j + 1] = a[j];
        a[j + 1] = v;
    }
}

static int32_t a32[N], b32[N];
static uint64_t a64[N];
static int64_t s64a[N];
static int16_t a16[500];
static struct rec recs[400];
static char strbuf[300][12];
static const char *strs[300];

static uint64_t hash32(const int32_t *a, int n)
{
    uint64_t h = T_FNV_INIT;
    int i;
    for (i = 0; i < n; i++)
        h = t_fnv(h, (uint32_t)a[i]);
    return h;
}

void test_main(void)
{
    int i, ok;
    uint64_t h;

    for (i = 0; i < N; i++)
        a32[i] = b32[i] = (int32_t)rng();
    gqsort(a32, N, sizeof(a32[0]), cmp_i32);
    msort(b32, N);
    for (ok = 1, i = 1; i < N; i++)
        if (a32[i - 1] > a32[i])
            ok = 0;
    t_printf("qsort i32: sorted=%d min=%d max=%d med=%d h=%016llx\n", ok,
             a32[0], a32[N - 1], a32[N / 2], hash32(a32, N));
    t_printf("msort i32: same=%d h=%016llx\n",
             t_memcmp(a32, b32, sizeof(a32)) == 0, hash32(b32, N));

    for (i = 0; i < N; i++)
        a64[i] = ((uint64_t)rng() << 32) | rng();
    gqsort(a64, N, sizeof(a64[0]), cmp_u64_desc);
    for (h = T_FNV_INIT, ok = 1, i = 0; i < N; i++) {
        if (i && a64[i - 1] < a64[i])
            ok = 0;
        h = t_fnv(h, a64[i]);
    }
    t_printf("qsort u64 desc: sorted=%d first=%016llx last=%016llx h=%016llx\n",
             ok, a64[0], a64[N - 1], h);

    for (i = 0; i < N; i++)
        s64a[i] = (int64_t)(((uint64_t)rng() << 32) | rng()) >> (rng() & 31);
    hsort(s64a, N);
    for (h = T_FNV_INIT, ok = 1, i = 0; i < N; i++) {
        if (i && s64a[i - 1] > s64a[i])
            ok = 0;
        h = t_fnv(h, (uint64_t)s64a[i]);
    }
    t_printf("hsort s64: sorted=%d first=%lld last=%lld h=%016llx\n", ok,
             s64a[0], s64a[N - 1], h);

    for (i = 0; i < 500; i++)
        a16[i] = (int16_t)(rng() >> 7);
    isort16(a16, 500);
    for (h = T_FNV_INIT, ok = 1, i = 0; i < 500; i++) {
        if (i && a16[i - 1] > a16[i])
            ok = 0;
        h = t_fnv(h, (uint16_t)a16[i]);
    }
    t_printf("isort i16: sorted=%d first=%d last=%d h=%016llx\n", ok, a16[0],
             a16[499], h);

    for (i = 0; i < 400; i++) {
        recs[i].key = (uint16_t)(rng() % 50);
        recs[i].tag = (uint8_t)i;
        recs[i].val = (int64_t)(int32_t)rng() * 3;
        t_snprintf(recs[i].name, sizeof(recs[i].name), "r%d", i);
    }
    gqsort(recs, 400, sizeof(recs[0]), cmp_rec);
    for (h = T_FNV_INIT, i = 0; i < 400; i++) {
        h = t_fnv(h, recs[i].key);
        h = t_fnv(h, recs[i].tag);
        h = t_fnv(h, (uint64_t)recs[i].val);
    }
    t_printf("qsort rec: size=%u first=%s/%u/%lld last=%s/%u/%lld h=%016llx\n",
             (unsigned)sizeof(struct rec), recs[0].name, recs[0].key,
             recs[0].val, recs[399].name, recs[399].key, recs[399].val, h);

    for (i = 0; i < 300; i++) {
        uint32_t r = rng();
        int len = 1 + (int)(r % 10), k;
        for (k = 0; k < len; k++)
            strbuf[i][k] = (char)('a' + (rng() >> 9) % 6);
        strbuf[i][len] = 0;
        strs[i] = strbuf[i];
    }
    gqsort(strs, 300, sizeof(strs[0]), cmp_str);
    for (h = T_FNV_INIT, ok = 1, i = 0; i < 300; i++) {
        const char *p;
        if (i && t_strcmp(strs[i - 1], strs[i]) > 0)
            ok = 0;
        for (p = strs[i]; *p; p++)
            h = t_fnv(h, (unsigned char)*p);
    }
    t_printf("qsort str: sorted=%d first=%s last=%s h=%016llx\n", ok, strs[0],
             strs[299], h);
    for (i = 0; i < 300; i += 37)
        t_printf("  str[%d]=%s\n", i, strs[i]);
}
