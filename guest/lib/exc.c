/*
 * exc.c - installs the RAM exception vectors and dispatches to the hook.
 * The assembly half (stubs, save/restore) is exc_entry.S; the frame layout
 * is documented in exc.h.
 */
#include <stddef.h>
#include "exc.h"
#include "cp0.h"
#include "c7200.h"
#include "rt.h"

_Static_assert(offsetof(struct exc_frame, hi) == EXC_F_HI, "frame layout");
_Static_assert(offsetof(struct exc_frame, lo) == EXC_F_LO, "frame layout");
_Static_assert(offsetof(struct exc_frame, epc) == EXC_F_EPC, "frame layout");
_Static_assert(offsetof(struct exc_frame, badvaddr) == EXC_F_BADVADDR,
               "frame layout");
_Static_assert(offsetof(struct exc_frame, context) == EXC_F_CONTEXT,
               "frame layout");
_Static_assert(offsetof(struct exc_frame, entryhi) == EXC_F_ENTRYHI,
               "frame layout");
_Static_assert(offsetof(struct exc_frame, xcontext) == EXC_F_XCONTEXT,
               "frame layout");
_Static_assert(offsetof(struct exc_frame, status) == EXC_F_STATUS,
               "frame layout");
_Static_assert(offsetof(struct exc_frame, cause) == EXC_F_CAUSE,
               "frame layout");
_Static_assert(offsetof(struct exc_frame, vector) == EXC_F_VECTOR,
               "frame layout");
_Static_assert(sizeof(struct exc_frame) == EXC_F_SIZE, "frame layout");

/* Stub templates and the shared frame, from exc_entry.S. */
extern const char exc_stub_tlb_refill[], exc_stub_tlb_refill_end[];
extern const char exc_stub_xtlb_refill[], exc_stub_xtlb_refill_end[];
extern const char exc_stub_cache_err[], exc_stub_cache_err_end[];
extern const char exc_stub_general[], exc_stub_general_end[];

/* Read by the general stub; 0 = syscalls go to the hook like the rest. */
volatile uint32_t exc_syscall_forward;

static exc_hook_t exc_hook;

void exc_dispatch(struct exc_frame *f, int vector);

static void exc_copy_stub(uint32_t vec, const char *start, const char *end)
{
    /* Written through KSEG1 so no cache write-back would be needed. */
    memcpy((void *)(KSEG1_BASE + vec), start, (size_t)(end - start));
}

void exc_install(exc_hook_t hook)
{
    uint32_t sr;

    exc_hook = hook;
    exc_copy_stub(EXC_VEC_TLB_REFILL, exc_stub_tlb_refill,
                  exc_stub_tlb_refill_end);
    exc_copy_stub(EXC_VEC_XTLB_REFILL, exc_stub_xtlb_refill,
                  exc_stub_xtlb_refill_end);
    exc_copy_stub(EXC_VEC_CACHE_ERR, exc_stub_cache_err,
                  exc_stub_cache_err_end);
    exc_copy_stub(EXC_VEC_GENERAL, exc_stub_general, exc_stub_general_end);

    /* Interrupts off first, so nothing arrives at a half-switched vector. */
    sr = cp0_status() & ~ST_IE;
    cp0_set_status(sr);
    cp0_set_status(sr & ~ST_BEV);
}

void exc_set_hook(exc_hook_t hook)
{
    exc_hook = hook;
}

void exc_forward_syscalls(uint32_t entry)
{
    exc_syscall_forward = entry;
}

/* Called by exc_entry.S on the exception stack, EXL = 1. */
void exc_dispatch(struct exc_frame *f, int vector)
{
    if (exc_hook != NULL && exc_hook(f, vector) == 0)
        return;
    printf("*** unhandled exception\n");
    exc_dump(f, vector);
    exit(1);
}

static const char *const exc_names[32] = {
    [EXC_INT] = "Interrupt",
    [EXC_MOD] = "TLB modification",
    [EXC_TLBL] = "TLB load/fetch",
    [EXC_TLBS] = "TLB store",
    [EXC_ADEL] = "Address error load/fetch",
    [EXC_ADES] = "Address error store",
    [EXC_IBE] = "Bus error fetch",
    [EXC_DBE] = "Bus error load/store",
    [EXC_SYS] = "Syscall",
    [EXC_BP] = "Breakpoint",
    [EXC_RI] = "Reserved instruction",
    [EXC_CPU] = "Coprocessor unusable",
    [EXC_OV] = "Integer overflow",
    [EXC_TR] = "Trap",
    [EXC_VCEI] = "Virtual coherency instruction",
    [EXC_FPE] = "Floating point",
    [EXC_WATCH] = "Watch",
    [EXC_VCED] = "Virtual coherency data",
};

const char *exc_code_name(unsigned int code)
{
    if (code < 32 && exc_names[code] != NULL)
        return exc_names[code];
    return "Reserved";
}

static const char *const gpr_names[32] = {
    "zero", "at", "v0", "v1", "a0", "a1", "a2", "a3",
    "t0",   "t1", "t2", "t3", "t4", "t5", "t6", "t7",
    "s0",   "s1", "s2", "s3", "s4", "s5", "s6", "s7",
    "t8",   "t9", "k0", "k1", "gp", "sp", "fp", "ra",
};

void exc_dump(const struct exc_frame *f, int vector)
{
    unsigned int code = CAUSE_EXCCODE((uint32_t)f->cause);
    int i;

    printf("vector 0x%03x  %s (code %u)\n", vector, exc_code_name(code), code);
    printf("epc      %016llx  cause    %08x  status %08x\n", f->epc,
           (uint32_t)f->cause, (uint32_t)f->status);
    printf("badvaddr %016llx  context  %016llx\n", f->badvaddr, f->context);
    printf("entryhi  %016llx  xcontext %016llx\n", f->entryhi, f->xcontext);
    printf("hi       %016llx  lo       %016llx\n", f->hi, f->lo);
    for (i = 0; i < 32; i += 2) {
        printf("%-4s %016llx  %-4s %016llx\n", gpr_names[i], f->gpr[i],
               gpr_names[i + 1], f->gpr[i + 1]);
    }
}
