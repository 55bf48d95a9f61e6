/*
 * rom_frame.h - the 512-byte frame the ROM monitor's exception path builds
 * below the interrupted stack pointer (c7200.md §17.1 step 1, §17.4).
 * Shared by vectors.S (save/restore) and the C handlers.
 */
#ifndef ROM_FRAME_H
#define ROM_FRAME_H

#define RF_SIZE        512          /* c7200.md §17.4: 512-byte frame */
#define RF_GPR(n)      (8 * (n))    /* 0x000..0x0F8: 64-bit GPRs */
#define RF_HI          0x100
#define RF_LO          0x108
#define RF_STATUS      0x110        /* mfc0, sign-extended */
#define RF_CAUSE       0x118
#define RF_BADVADDR    0x120        /* dmfc0 */
#define RF_EPC         0x128
#define RF_ERROREPC    0x130
#define RF_HANDLER     0x138        /* handler address the stub chose */

/* Address the vector stubs jump to; IOS finds it in the EMT 42 table. */
#define ROM_EXC_SAVE_ADDR   0xBFC003E0 /* c7200.md §17.1 */
#define ROM_EXC_ENTRY_ADDR  0xBFC003B0 /* c7200.md §17.2, EMT 0x2A */
#define ROM_EMT42_TABLE     0xBFC00548 /* c7200.md §17.2, EMT 0x2A */
#define ROM_EMT42_ENTRIES   35         /* c7200.md §17.2, EMT 0x2A */
#define ROM_VERSION_ADDR    0xBFC026F0 /* c7200.md §17.2, EMT 0x0A */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct rom_frame {
    uint64_t gpr[32];
    uint64_t hi;
    uint64_t lo;
    uint64_t status;
    uint64_t cause;
    uint64_t badvaddr;
    uint64_t epc;
    uint64_t errorepc;
    uint64_t handler;
    uint8_t unused[RF_SIZE - 0x140];
};

/* C handlers called by the save routine with a0 = frame. */
void rom_exc_general(struct rom_frame *f);
void rom_exc_tlb_refill(struct rom_frame *f);
void rom_exc_xtlb_refill(struct rom_frame *f);
void rom_exc_cache_error(struct rom_frame *f);

/* The service dispatcher (emt.c). */
uint32_t emt_service(uint32_t num, uint32_t a1, uint32_t a2, uint32_t a3,
                     uint32_t pc);

#endif /* !__ASSEMBLER__ */

#endif /* ROM_FRAME_H */
