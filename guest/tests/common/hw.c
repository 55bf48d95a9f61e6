/*
 * hw.c: exception recording for the hw/ tests (see hw.h).
 */
#include "hw.h"

volatile struct hw_rec hw_last;
volatile uint64_t hw_resume;
uint64_t hw_va_base;
int (*volatile hw_on_exc)(struct exc_frame *f, int vector);

static const char *const code_names[32] = {
    "Int", "Mod", "TLBL", "TLBS", "AdEL", "AdES", "IBE", "DBE",
    "Sys", "Bp", "RI", "CpU", "Ov", "Tr", "VCEI", "FPE",
    "16?", "17?", "18?", "19?", "20?", "21?", "22?", "WATCH",
    "24?", "25?", "26?", "27?", "28?", "29?", "30?", "VCED",
};

const char *hw_code_name(unsigned code)
{
    return code_names[code & 31];
}

static int hw_hook(struct exc_frame *f, int vector)
{
    hw_last.count++;
    hw_last.vector = (uint32_t)vector;
    hw_last.cause = (uint32_t)f->cause;
    hw_last.status = (uint32_t)f->status;
    hw_last.epc = f->epc;
    hw_last.badvaddr = f->badvaddr;
    hw_last.entryhi = f->entryhi;
    hw_last.context = f->context;
    if (hw_last.count > 50) {
        t_printf("FAIL: exception storm (code %u at %llx), stopping\n",
                 (unsigned)CAUSE_EXCCODE(f->cause), (unsigned long long)f->epc);
        t_flush();
        return 1; /* runtime dumps the frame and stops the VM */
    }
    if (hw_on_exc && hw_on_exc(f, vector))
        return 0;
    if (hw_resume) {
        f->epc = hw_resume;
        hw_resume = 0;
    } else {
        f->epc += (f->cause & CAUSE_BD) ? 8 : 4;
    }
    return 0;
}

void hw_clear(void)
{
    hw_last.count = 0;
    hw_last.vector = 0xFFFFFFFF;
    hw_last.cause = 0;
    hw_last.status = 0;
    hw_last.epc = 0;
    hw_last.badvaddr = 0;
    hw_last.entryhi = 0;
    hw_last.context = 0;
    hw_resume = 0;
    hw_on_exc = 0;
}

void hw_init(void)
{
    hw_clear();
    exc_install(hw_hook); /* clears Status.IE, then BEV */
    /* Only the lines a test enables may interrupt (IOS entry has IM7|IM0). */
    cp0_set_status(cp0_status() & ~(uint32_t)ST_IM_MASK);
}

static void show_rel(const char *tag, uint64_t v, uint64_t ref)
{
    int64_t d = (int64_t)(v - ref);
    if (d >= -256 && d <= 256)
        t_printf(" %s=ref%+lld", tag, (long long)d);
    else
        t_printf(" %s=%llx", tag, (unsigned long long)v);
}

void hw_show(const char *what, uint64_t ref, unsigned flags)
{
    uint32_t c = hw_last.cause;
    t_printf("%s:", what);
    if (!hw_last.count) {
        t_printf(" none\n");
        return;
    }
    t_printf(" %s vec=%03x", hw_code_name(CAUSE_EXCCODE(c)),
             (unsigned)hw_last.vector);
    show_rel("epc", hw_last.epc, ref);
    t_printf(" bd=%u", (unsigned)(c >> 31));
    if (flags & HW_BADVA_BASE) {
        t_printf(" badva=base%+lld",
                 (long long)(int64_t)(hw_last.badvaddr - hw_va_base));
    } else if (flags & HW_BADVA) {
        if (flags & HW_BADVA_REL)
            show_rel("badva", hw_last.badvaddr, ref);
        else
            t_printf(" badva=%llx", (unsigned long long)hw_last.badvaddr);
    }
    if (flags & HW_CE)
        t_printf(" ce=%u", (unsigned)((c >> 28) & 3));
    if (flags & HW_EXL)
        t_printf(" exl=%u", (unsigned)((hw_last.status & ST_EXL) ? 1 : 0));
    if (flags & HW_ENTRYHI)
        t_printf(" entryhi=%llx", (unsigned long long)hw_last.entryhi);
    if (flags & HW_CONTEXT)
        t_printf(" context=%llx", (unsigned long long)hw_last.context);
    if (flags & HW_COUNT)
        t_printf(" n=%u", hw_last.count);
    t_printf("\n");
}
