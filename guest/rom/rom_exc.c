/*
 * rom_exc.c - what the ROM monitor does with exceptions taken while
 * Status.BEV = 1 (c7200.md §17.1, §17.4).  vectors.S saves the state into a
 * struct rom_frame and calls one of these; whatever they leave in the frame
 * is restored (except k0) before ERET.
 */
#include <stdint.h>
#include "cp0.h"
#include "rom_frame.h"
#include "rom_io.h"

#define TIMER_INTERVAL      1000000    /* c7200.md §17.4: IP7 re-arm */
#define EMT_STATUS_KEEP     0xFFFF00FD /* c7200.md §17.1 step 3 */
#define EMT_STATUS_SET      0x00008001 /* ... IM7 | IE */

static const char *const rom_exc_names[32] = {
    [EXC_INT] = "Interrupt",
    [EXC_MOD] = "TLB modification",
    [EXC_TLBL] = "TLB miss on load or fetch",
    [EXC_TLBS] = "TLB miss on store",
    [EXC_ADEL] = "Address error on load or fetch",
    [EXC_ADES] = "Address error on store",
    [EXC_IBE] = "Bus error on fetch",
    [EXC_DBE] = "Bus error on load or store",
    [EXC_SYS] = "System call",
    [EXC_BP] = "Breakpoint",
    [EXC_RI] = "Reserved instruction",
    [EXC_CPU] = "Coprocessor unusable",
    [EXC_OV] = "Arithmetic overflow",
    [EXC_TR] = "Trap",
    [EXC_VCEI] = "Virtual coherency (instruction)",
    [EXC_FPE] = "Floating point",
    [EXC_WATCH] = "Watch",
    [EXC_VCED] = "Virtual coherency (data)",
};

static void rom_exc_report(const struct rom_frame *f, const char *what)
{
    rom_printf("ROM: %s exception at pc=0x%08x, cause=0x%08x, "
               "status=0x%08x\n", what, (uint32_t)f->epc,
               (uint32_t)f->cause, (uint32_t)f->status);
}

/* Service call: c7200.md §17.1 steps 2-5. */
static void rom_syscall(struct rom_frame *f)
{
    uint32_t pc = (uint32_t)f->epc;
    uint32_t result;

    if ((uint32_t)f->cause & CAUSE_BD) {
        rom_logf("warning: syscall in a branch delay slot at "
                 "pc=0x%08x", pc);
        f->epc += 8;
    } else {
        f->epc += 4;
    }
    mtc0(CP0_STATUS, ((uint32_t)f->status & EMT_STATUS_KEEP) | EMT_STATUS_SET);
    result = emt_service((uint32_t)f->gpr[4], (uint32_t)f->gpr[5],
                         (uint32_t)f->gpr[6], (uint32_t)f->gpr[7], pc);
    f->gpr[2] = (uint64_t)(int64_t)(int32_t)result;
}

/* Interrupts, tested in the order of c7200.md §17.4. */
static void rom_interrupt(struct rom_frame *f)
{
    uint32_t pending = (uint32_t)f->cause & (uint32_t)f->status & ST_IM_MASK;
    int n;

    for (n = 0; n < 2; n++) {
        if (pending & CAUSE_IP(n)) {
            mtc0(CP0_CAUSE, mfc0(CP0_CAUSE) & ~CAUSE_IP(n));
            rom_printf("ROM: software interrupt %d at pc=0x%08x, "
                       "cause=0x%08x, status=0x%08x\n", n, (uint32_t)f->epc,
                       (uint32_t)f->cause, (uint32_t)f->status);
            return;
        }
    }
    if (pending & CAUSE_IP(7)) {
        mtc0(CP0_COMPARE, mfc0(CP0_COUNT) + TIMER_INTERVAL);
        return;
    }
    if (pending & CAUSE_IP(6)) {
        rom_printf("ROM: error interrupt (IP6) at pc=0x%08x, cause=0x%08x, "
                   "status=0x%08x\n", (uint32_t)f->epc, (uint32_t)f->cause,
                   (uint32_t)f->status);
        return;
    }
    rom_printf("ROM: unexpected interrupt at pc=0x%08x: saved cause=0x%08x "
               "status=0x%08x, now cause=0x%08x status=0x%08x\n",
               (uint32_t)f->epc, (uint32_t)f->cause, (uint32_t)f->status,
               mfc0(CP0_CAUSE), mfc0(CP0_STATUS));
}

void rom_exc_general(struct rom_frame *f)
{
    unsigned int code = CAUSE_EXCCODE((uint32_t)f->cause);
    const char *name = rom_exc_names[code];

    if (code == EXC_INT) {
        rom_interrupt(f);
    } else if (code == EXC_SYS) {
        rom_syscall(f);
    } else {
        /* Report and retry the instruction (c7200.md §17.4). */
        rom_exc_report(f, name != 0 ? name : "Reserved");
    }
}

void rom_exc_tlb_refill(struct rom_frame *f)
{
    rom_exc_report(f, "TLB refill");
}

void rom_exc_xtlb_refill(struct rom_frame *f)
{
    rom_exc_report(f, "XTLB refill");
}

void rom_exc_cache_error(struct rom_frame *f)
{
    rom_exc_report(f, "Cache error");
}
