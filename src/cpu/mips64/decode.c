/*
 * Decoder: words are bucketed by primary opcode and one secondary field
 * (function, rt or rs, depending on the opcode), then the few candidates of
 * the bucket are tried in table order against their full mask/match.
 */
#include "cpu/mips64/decode.h"

#include <pthread.h>
#include <stdlib.h>

const struct insn_desc mips_insn_desc[INSN_COUNT] = {
#define INSN(id, mn, mask, match, fmt, flags) {mn, mask, match, fmt, flags},
#include "cpu/mips64/insn_table.h"
#undef INSN
    [INSN_UNKNOWN] = {"(reserved)", 0, 0, FMT_CODE25, 0},
};

#define BUCKET_MAX 6

struct mips_decoder {
    /* [opcode][secondary field] -> candidate ids, INSN_UNKNOWN-terminated */
    uint16_t bucket[64][64][BUCKET_MAX];
};

/* Which field refines the bucket for a primary opcode. */
static uint32_t secondary_key(uint32_t insn)
{
    switch (INSN_OP(insn)) {
    case 0x00: /* SPECIAL */
    case 0x1C: /* SPECIAL2 */
    case 0x13: /* COP1X */
        return INSN_FUNCT(insn);
    case 0x01: /* REGIMM */
        return INSN_RT(insn);
    case 0x10: /* COP0: CO bit set -> function, else rs */
        return (insn & 0x02000000) ? 32 + (INSN_FUNCT(insn) & 31)
                                    : INSN_RS(insn);
    case 0x11: /* COP1 */
        return INSN_RS(insn);
    default:
        return 0;
    }
}

static struct mips_decoder the_decoder; /* immutable after init */
static pthread_once_t decoder_once = PTHREAD_ONCE_INIT;

static void decoder_build(void)
{
    struct mips_decoder *d = &the_decoder;
    for (int op = 0; op < 64; op++)
        for (int k = 0; k < 64; k++)
            for (int n = 0; n < BUCKET_MAX; n++)
                d->bucket[op][k][n] = INSN_UNKNOWN;

    /*
     * For every (opcode, key) pair, list the table entries that could match
     * some word with that opcode and key: an entry fits when its mask/match
     * agree with the bits the pair fixes.
     */
    for (int id = 0; id < INSN_UNKNOWN; id++) {
        const struct insn_desc *e = &mips_insn_desc[id];
        for (uint32_t op = 0; op < 64; op++) {
            if (((op << 26) & e->mask) != (e->match & 0xFC000000))
                continue;
            for (uint32_t k = 0; k < 64; k++) {
                /* The fixed bits of (op, key) must not contradict e. */
                uint32_t keymask, keybits;
                switch (op) {
                case 0x00: case 0x1C: case 0x13:
                    keymask = 0xFC00003F; keybits = (op << 26) | k; break;
                case 0x01:
                    if (k >= 32) continue;
                    keymask = 0xFC1F0000; keybits = (op << 26) | (k << 16); break;
                case 0x10:
                    if (k >= 16 && k < 32)
                        continue; /* CO set: keyed by function instead */
                    if (k < 32) {
                        keymask = 0xFFE00000; keybits = (op << 26) | (k << 21);
                    } else {
                        keymask = 0xFE00001F;
                        keybits = (op << 26) | 0x02000000 | (k - 32);
                    }
                    break;
                case 0x11:
                    if (k >= 32) continue;
                    keymask = 0xFFE00000; keybits = (op << 26) | (k << 21); break;
                default:
                    if (k != 0) continue;
                    keymask = 0xFC000000; keybits = op << 26;
                }
                uint32_t both = keymask & e->mask;
                if ((keybits & both) != (e->match & both))
                    continue;
                uint16_t *b = d->bucket[op][k];
                int n = 0;
                while (n < BUCKET_MAX - 1 && b[n] != INSN_UNKNOWN)
                    n++;
                if (n < BUCKET_MAX - 1)
                    b[n] = (uint16_t)id;
                else
                    abort(); /* table too ambiguous: a build-time bug */
            }
        }
    }
}

const struct mips_decoder *mips_decoder_get(void)
{
    pthread_once(&decoder_once, decoder_build);
    return &the_decoder;
}

enum insn_id mips_decode(const struct mips_decoder *dec, uint32_t insn)
{
    const uint16_t *b = dec->bucket[INSN_OP(insn)][secondary_key(insn)];
    for (; *b != INSN_UNKNOWN; b++) {
        const struct insn_desc *e = &mips_insn_desc[*b];
        if ((insn & e->mask) == e->match)
            return (enum insn_id)*b;
    }
    return INSN_UNKNOWN;
}
