/*
 * smc: self-modifying code inside the running loop, compared with qemu.
 *
 * A loop in a RAM buffer rewrites one of its own instructions on every
 * iteration (the immediate of an ADDIU, then the opcode: ADDIU / XORI /
 * ORI, then a branch offset), with SYNC and several instructions between
 * the store and the next fetch of the patched word. Every iteration must
 * execute the freshly stored instruction: an emulator that caches
 * translated code has to notice stores into the page it is executing.
 * On bare metal the loop runs from the uncached KSEG1 alias of the buffer
 * (R4000 manual ch. 4: no cache maintenance needed for uncached fetches);
 * on Linux from the buffer after mprotect/cacheflush.
 */
#include "isa.h"

static uint32_t buf[256] __attribute__((aligned(4096)));

/* Register use inside the generated loop:
 *   $2 accumulator, $4 iteration count, $5 buffer base (alias),
 *   $6 next instruction word, $7 scratch. */
static int gen_patch_imm(uint32_t *p)
{
    int n = 0;
    p[n++] = 0x24420001;            /* 0: addiu $2,$2,1  <- patched */
    p[n++] = 0x00021040;            /*    sll $2,$2,1 */
    p[n++] = 0x00021042;            /*    srl $2,$2,1 */
    p[n++] = 0x24C60003;            /*    addiu $6,$6,3 (next immediate) */
    p[n++] = 0xACA60000;            /*    sw $6,0($5) */
    p[n++] = 0x0000000F;            /*    sync */
    p[n++] = 0x00000000;
    p[n++] = 0x00000000;
    p[n++] = 0x2484FFFF;            /*    addiu $4,$4,-1 */
    p[n++] = 0x1480FFF6;            /*    bnez $4, 0 (-10) */
    p[n++] = 0x00000000;
    p[n++] = 0x03E00008;            /*    jr $31 */
    p[n++] = 0x00000000;
    return n;
}

/* Alternate the opcode of word 0 between ADDIU, XORI and ORI. */
static int gen_patch_op(uint32_t *p)
{
    int n = 0;
    p[n++] = 0x24420005;            /* 0: addiu $2,$2,5  <- patched */
    p[n++] = 0x3C073800;            /*    lui $7,0x3800 ; xori opcode */
    p[n++] = 0x00E63826;            /*    xor $7,$7,$6 */
    p[n++] = 0x24C60101;            /*    addiu $6,$6,0x101 */
    p[n++] = 0x30C7FFFF;            /*    andi $7,$6,0xffff */
    p[n++] = 0x3C033442;            /*    lui $3,0x3442 ; ori $2,$2,imm */
    p[n++] = 0x00671825;            /*    or $3,$3,$7 */
    p[n++] = 0x30880001;            /*    andi $8,$4,1 */
    p[n++] = 0x11000002;            /*    beqz $8, +2 */
    p[n++] = 0x00000000;
    p[n++] = 0x3C033842;            /*    lui $3,0x3842 ; xori $2,$2,imm */
    p[n++] = 0x00671825;            /*    or $3,$3,$7 */
    p[n++] = 0xACA30000;            /*    sw $3,0($5) */
    p[n++] = 0x0000000F;            /*    sync */
    p[n++] = 0x00000000;
    p[n++] = 0x2484FFFF;            /*    addiu $4,$4,-1 */
    p[n++] = 0x1480FFEF;            /*    bnez $4, 0 (-17) */
    p[n++] = 0x00000000;
    p[n++] = 0x03E00008;            /*    jr $31 */
    p[n++] = 0x00000000;
    return n;
}

/* Patch a branch: word 1 is "b +k" with k cycling through 1..4; the
 * words it skips add different amounts. */
static int gen_patch_branch(uint32_t *p)
{
    int n = 0;
    p[n++] = 0x00000000;            /* 0: nop */
    p[n++] = 0x10000001;            /* 1: b +1  <- patched (offset 1..4) */
    p[n++] = 0x00000000;            /* 2:   nop (slot) */
    p[n++] = 0x24420001;            /* 3: addiu $2,$2,1 */
    p[n++] = 0x24420010;            /* 4: addiu $2,$2,16 */
    p[n++] = 0x24420100;            /* 5: addiu $2,$2,256 */
    p[n++] = 0x24421000;            /* 6: addiu $2,$2,4096 */
    p[n++] = 0x24C60001;            /* 7: addiu $6,$6,1 */
    p[n++] = 0x30C70003;            /* 8: andi $7,$6,3 */
    p[n++] = 0x24E70001;            /* 9: addiu $7,$7,1 */
    p[n++] = 0x3C031000;            /* 10: lui $3,0x1000 (beq $0,$0) */
    p[n++] = 0x00671825;            /* 11: or $3,$3,$7 */
    p[n++] = 0xACA30004;            /* 12: sw $3,4($5) */
    p[n++] = 0x0000000F;            /* 13: sync */
    p[n++] = 0x2484FFFF;            /* 14: addiu $4,$4,-1 */
    p[n++] = 0x1480FFF0;            /* 15: bnez $4, 0 (-16) */
    p[n++] = 0x00000000;
    p[n++] = 0x03E00008;            /* jr $31 */
    p[n++] = 0x00000000;
    return n;
}

static uint32_t run(uint32_t *code, uint32_t iters, uint32_t w6)
{
    register rv v0 __asm__("$2") = 0;
    register rv a0 __asm__("$4") = (rv)iters;
    register rv a1 __asm__("$5") = (rv)(intptr_t)code;
    register rv a2 __asm__("$6") = (rv)(int32_t)w6;
    __asm__ volatile("jalr %4\n\tnop"
                     : "+r"(v0), "+r"(a0), "+r"(a1), "+r"(a2)
                     : "r"(code)
                     : "$3", "$7", "$8", "$31", "memory");
    return (uint32_t)v0;
}

void test_main(void)
{
    uint32_t *x = tio_code_alias(buf);
    int n;

    n = gen_patch_imm(buf);
    tio_code_sync(buf, (unsigned long)n * 4);
    t_printf("patch immediate: v0=%08x word0=%08x\n",
             run(x, 1000, 0x24420001), x[0]);
    n = gen_patch_op(buf);
    tio_code_sync(buf, (unsigned long)n * 4);
    t_printf("patch opcode: v0=%08x word0=%08x\n", run(x, 999, 0), x[0]);
    n = gen_patch_branch(buf);
    tio_code_sync(buf, (unsigned long)n * 4);
    t_printf("patch branch: v0=%08x word1=%08x\n", run(x, 1001, 0), x[1]);
    /* rerun the same (now patched) buffers: caches must not go stale */
    t_printf("patch branch again: v0=%08x\n", run(x, 37, 0));
    n = gen_patch_imm(buf);
    tio_code_sync(buf, (unsigned long)n * 4);
    t_printf("patch immediate again: v0=%08x\n", run(x, 5000, 0x24420001));
}
