/*
 * hash: an open-addressing hash table (linear probing, tombstones) and a
 * chained hash table (linked nodes from a pool: pointer chasing), keyed by
 * generated strings and 64-bit integers. Insert, look up, delete, re-insert.
 * Differential against qemu.
 */
#include "tio.h"

#define OA_SIZE 4096 /* power of two */
#define NKEYS 2500

struct oa_slot {
    char key[16];
    uint32_t val;
    uint8_t state; /* 0 empty, 1 used, 2 deleted */
};

static struct oa_slot oa[OA_SIZE];
static unsigned long probes;

static uint32_t str_hash(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 16777619u;
    }
    return h;
}

static struct oa_slot *oa_find(const char *k, int for_insert)
{
    uint32_t i = str_hash(k) & (OA_SIZE - 1);
    struct oa_slot *tomb = 0;
    for (;;) {
        struct oa_slot *s = &oa[i];
        probes++;
        if (s->state == 0)
            return for_insert ? (tomb ? tomb : s) : 0;
        if (s->state == 2) {
            if (!tomb)
                tomb = s;
        } else if (t_strcmp(s->key, k) == 0) {
            return s;
        }
        i = (i + 1) & (OA_SIZE - 1);
    }
}

static void make_key(char *out, uint32_t n)
{
    static const char alpha[] = "etaoinshrdlucmfw";
    int len = 0;
    out[len++] = 'k';
    do {
        out[len++] = alpha[n & 15];
        n >>= 4;
    } while (n);
    out[len] = 0;
}

struct node {
    uint64_t key;
    int64_t val;
    struct node *next;
};

#define CH_BUCKETS 257
static struct node pool[NKEYS];
static struct node *buckets[CH_BUCKETS];

static unsigned ch_bucket(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xFF51AFD7ED558CCDULL;
    k ^= k >> 33;
    return (unsigned)(k % CH_BUCKETS);
}

void test_main(void)
{
    char k[16];
    uint32_t i, found = 0, missing = 0, sumv = 0;
    uint64_t h = T_FNV_INIT;

    for (i = 0; i < NKEYS; i++) {
        struct oa_slot *s;
        make_key(k, i * 2654435761u);
        s = oa_find(k, 1);
        if (s->state != 1) {
            t_memcpy(s->key, k, t_strlen(k) + 1);
            s->state = 1;
        }
        s->val = i;
    }
    t_printf("oa insert: probes=%lu\n", probes);
    for (i = 0; i < NKEYS; i += 2) { /* delete even */
        struct oa_slot *s;
        make_key(k, i * 2654435761u);
        s = oa_find(k, 0);
        if (s)
            s->state = 2;
    }
    for (i = 0; i < NKEYS + 100; i++) {
        struct oa_slot *s;
        make_key(k, i * 2654435761u);
        s = oa_find(k, 0);
        if (s) {
            found++;
            sumv += s->val;
        } else {
            missing++;
        }
    }
    t_printf("oa lookup: found=%u missing=%u sum=%u probes=%lu\n", found,
             missing, sumv, probes);
    for (i = 0; i < NKEYS; i += 4) { /* re-insert a quarter */
        struct oa_slot *s;
        make_key(k, i * 2654435761u);
        s = oa_find(k, 1);
        t_memcpy(s->key, k, t_strlen(k) + 1);
        s->state = 1;
        s->val = i + 1000000;
    }
    for (i = 0; i < OA_SIZE; i++) {
        h = t_fnv(h, oa[i].state);
        if (oa[i].state == 1)
            h = t_fnv(h, oa[i].val ^ str_hash(oa[i].key));
    }
    t_printf("oa final: probes=%lu h=%016llx\n", probes, h);

    /* chained table with 64-bit keys */
    {
        uint64_t x = 88172645463325252ULL, hh = T_FNV_INIT;
        unsigned maxlen = 0, used = 0, b;
        int64_t total = 0;
        for (i = 0; i < NKEYS; i++) {
            struct node *nd = &pool[i];
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            nd->key = x;
            nd->val = (int64_t)x >> 40;
            b = ch_bucket(x);
            nd->next = buckets[b];
            buckets[b] = nd;
        }
        for (b = 0; b < CH_BUCKETS; b++) {
            unsigned len = 0;
            struct node *nd;
            for (nd = buckets[b]; nd; nd = nd->next) {
                len++;
                total += nd->val;
                hh = t_fnv(hh, nd->key);
            }
            if (len)
                used++;
            if (len > maxlen)
                maxlen = len;
        }
        /* unlink every node whose key is odd */
        for (b = 0; b < CH_BUCKETS; b++) {
            struct node **pp = &buckets[b];
            while (*pp) {
                if ((*pp)->key & 1)
                    *pp = (*pp)->next;
                else
                    pp = &(*pp)->next;
            }
        }
        for (i = 0, b = 0; b < CH_BUCKETS; b++) {
            struct node *nd;
            for (nd = buckets[b]; nd; nd = nd->next)
                i++;
        }
        t_printf("chain: used=%u maxlen=%u total=%lld h=%016llx after-unlink=%u\n",
                 used, maxlen, total, hh, i);
    }
}
