/*
 * Linux user-mode backend for tio (qemu-mips / qemu-mipsn32 oracle runs).
 * Static, freestanding, no libc: _start calls main, tio_write is write(2)
 * on fd 1, tio_exit is exit_group(2), tio_code_sync is mprotect(2) (RWX)
 * plus cacheflush(2).
 * Syscall numbers: o32 base 4000 (write 4004, exit_group 4246),
 * n32 base 6000 (write 6001, exit_group 6205) -- Linux
 * arch/mips/kernel/syscalls/syscall_{o32,n32}.tbl.
 */

#if _MIPS_SIM == _ABIO32
#define SYS_write      4004
#define SYS_exit_group 4246
#define SYS_mprotect   4125
#define SYS_cacheflush 4147
#elif _MIPS_SIM == _ABIN32
#define SYS_write      6001
#define SYS_exit_group 6205
#define SYS_mprotect   6010
#define SYS_cacheflush 6197
#else
#error "unsupported ABI"
#endif

    .set    noreorder
    .text

    .globl  __start
    .globl  _start
    .ent    _start
__start:
_start:
    li      $8, -16
    and     $29, $29, $8            /* 16-byte aligned stack */
    addiu   $29, $29, -32           /* o32 home area for a0..a3 */
    jal     main
    nop
    move    $4, $2
    li      $2, SYS_exit_group
    syscall
1:  b       1b
    nop
    .end    _start

    /* void tio_write(const char *buf, unsigned long len) */
    .globl  tio_write
    .ent    tio_write
tio_write:
    move    $6, $5
    move    $5, $4
    li      $4, 1
    li      $2, SYS_write
    syscall
    jr      $31
    nop
    .end    tio_write

    /* void tio_exit(int code) */
    .globl  tio_exit
    .ent    tio_exit
tio_exit:
    li      $2, SYS_exit_group
    syscall
1:  b       1b
    nop
    .end    tio_exit

    /* void tio_code_sync(void *code, unsigned long len) */
    .globl  tio_code_sync
    .ent    tio_code_sync
tio_code_sync:
    addiu   $29, $29, -32
    sw      $4, 16($29)
    sw      $5, 20($29)
    li      $8, -4096
    and     $9, $4, $8              /* page-aligned start */
    addu    $10, $4, $5
    addiu   $10, $10, 4095
    and     $10, $10, $8
    subu    $5, $10, $9             /* length in whole pages */
    move    $4, $9
    li      $6, 7                   /* PROT_READ|PROT_WRITE|PROT_EXEC */
    li      $2, SYS_mprotect
    syscall
    lw      $4, 16($29)
    lw      $5, 20($29)
    li      $6, 3                   /* BCACHE */
    li      $2, SYS_cacheflush
    syscall
    addiu   $29, $29, 32
    jr      $31
    nop
    .end    tio_code_sync

    /* void *tio_code_alias(void *code): the buffer itself */
    .globl  tio_code_alias
    .ent    tio_code_alias
tio_code_alias:
    jr      $31
    move    $2, $4
    .end    tio_code_alias
