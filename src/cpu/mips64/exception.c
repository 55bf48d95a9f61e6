/*
 * Exception entry (R4000 manual ch. 5, RM7000 manual ch. 7).
 *
 * Vectors: with Status.BEV = 0 the TLB refill vector is 0x80000000, the
 * XTLB refill vector 0x80000080 and everything else 0x80000180; with
 * BEV = 1 the same offsets from 0xBFC00200. Refill vectors are used only
 * for a TLB miss taken with EXL = 0. EPC and Cause.BD are written only
 * when EXL was 0; for an exception in a branch delay slot EPC is the
 * branch's address and BD is set.
 */
#include <string.h>

#include "core/log.h"
#include "cpu/mips64/cpu_internal.h"

#define VEC_BASE_RAM 0xFFFFFFFF80000000ull   /* BEV = 0 */
#define VEC_BASE_ROM 0xFFFFFFFFBFC00200ull   /* BEV = 1 */
#define VEC_OFF_TLB_REFILL 0x000
#define VEC_OFF_XTLB_REFILL 0x080
#define VEC_OFF_GENERAL 0x180

/*
 * A guest that takes the same exception (code, EPC, BadVAddr) this many
 * times in a row, with no other exception but interrupts in between, makes
 * no progress: the VM is halted with a log line instead of spinning.
 */
#define EXC_LOOP_LIMIT 100000u

static void exception_enter(struct mips_cpu *cpu, int code, unsigned off)
{
    uint64_t status = cpu->cp0[CP0_STATUS];
    uint64_t cause = cpu->cp0[CP0_CAUSE];

    cause &= ~(uint64_t)(CAUSE_EXC_MASK | (3u << CAUSE_CE_SHIFT));
    cause |= (uint64_t)code << 2;
    if (!(status & ST_EXL)) {
        /* In a delay slot cpu->pc still holds the branch's address. */
        cpu->cp0[CP0_EPC] = cpu->pc;
        if (cpu->in_delay_slot)
            cause |= CAUSE_BD;
        else
            cause &= ~(uint64_t)CAUSE_BD;
    } else {
        off = VEC_OFF_GENERAL;
    }
    cpu->cp0[CP0_CAUSE] = cause;
    cpu->cp0[CP0_STATUS] = status | ST_EXL;

    uint64_t base = (status & ST_BEV) ? VEC_BASE_ROM : VEC_BASE_RAM;
    cpu->pc = base + off;
    cpu->exception_taken = 1;
    mips_update_mode(cpu);
    cpu_attention(cpu);

    if (code != EXC_INT && code != EXC_SYS) {
        uint64_t key = cpu->cp0[CP0_EPC] ^ ((uint64_t)code << 58) ^
                       (cpu->cp0[CP0_BADVADDR] * 0x9E3779B97F4A7C15ull);
        if (key == cpu->last_exc_key) {
            if (++cpu->exc_loop_count >= EXC_LOOP_LIMIT) {
                char why[128];
                snprintf(why, sizeof(why),
                         "guest stuck: exception %d repeated at EPC "
                         "0x%016llx", code,
                         (unsigned long long)cpu->cp0[CP0_EPC]);
                mips_cpu_halt(cpu, why);
            }
        } else {
            cpu->last_exc_key = key;
            cpu->exc_loop_count = 0;
        }
    }
}

void mips_exception(struct mips_cpu *cpu, int code)
{
    exception_enter(cpu, code, VEC_OFF_GENERAL);
}

void mips_exception_addr(struct mips_cpu *cpu, int code, uint64_t va)
{
    cpu->cp0[CP0_BADVADDR] = va;
    exception_enter(cpu, code, VEC_OFF_GENERAL);
}

void mips_exception_cpu(struct mips_cpu *cpu, int unit)
{
    exception_enter(cpu, EXC_CPU, VEC_OFF_GENERAL);
    cpu->cp0[CP0_CAUSE] |= (uint64_t)unit << CAUSE_CE_SHIFT;
}

/*
 * TLB exceptions also load Context.BadVPN2 (VA[31:13] at bits 22:4),
 * XContext (R at 32:31, VA[39:13] at 30:4) and EntryHi.VPN2, keeping the
 * PTEBase fields and the ASID (R4000 manual §4.11-4.12).
 */
void mips_exception_tlb(struct mips_cpu *cpu, int code, uint64_t va,
                        int refill)
{
    cpu->cp0[CP0_BADVADDR] = va;
    cpu->cp0[CP0_CONTEXT] = (cpu->cp0[CP0_CONTEXT] & ~0x7FFFFFull) |
                            (((va >> 13) & 0x7FFFF) << 4);
    cpu->cp0[CP0_XCONTEXT] = (cpu->cp0[CP0_XCONTEXT] & ~0x1FFFFFFFFull) |
                             ((va >> 62) << 31) |
                             (((va >> 13) & 0x7FFFFFF) << 4);
    cpu->cp0[CP0_ENTRYHI] = (va & 0xC00000FFFFFFE000ull) |
                            (cpu->cp0[CP0_ENTRYHI] & 0xFF);
    unsigned off = VEC_OFF_GENERAL;
    if (refill) {
        /* The XTLB refill vector serves segments running in 64-bit mode:
         * user space with UX, supervisor space with SX, kernel with KX. */
        uint32_t st = (uint32_t)cpu->cp0[CP0_STATUS];
        uint32_t xbit;
        if (va >> 62 == 0)
            xbit = ST_UX;
        else if (va >> 62 == 1 ||
                 (SEXT32(va) == va && (va & 0xE0000000ull) == 0xC0000000ull))
            xbit = ST_SX;
        else
            xbit = ST_KX;
        off = (st & xbit) ? VEC_OFF_XTLB_REFILL : VEC_OFF_TLB_REFILL;
    }
    exception_enter(cpu, code, off);
}

void mips_take_interrupt(struct mips_cpu *cpu)
{
    exception_enter(cpu, EXC_INT, VEC_OFF_GENERAL);
}
