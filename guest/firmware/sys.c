/*
 * sys.c - the firmware's system layer: ROM services (EMT calls), exception
 * vectors, interrupt dispatch, the Count/Compare tick, idle and reload.
 *
 * Boot state (c7200.md §16.4): the ROM enters us with BEV = 1, IE | IM0 |
 * IM7, its own timer running. We ask the ROM for its exception entry table
 * (EMT 0x2A) while its vectors are still active, install our own vectors
 * (clearing BEV) and from then on hand every syscall to table entry 8, as
 * IOS does (§17.1), so later EMT calls keep reaching the ROM.
 *
 * Interrupt lines (c7200.md §4.1): 2 network (midplane FPGA aggregation,
 * §4.2), 3 PA management, 4 GT-64120, 5 DUART, 6 error/OIR, 7 timer.
 * 3600 family (c3600-c2691-c37xx.md §3.3): 2 network (I/O FPGA), 3 NM
 * management, 4 GT-64010/64120, 5 DUART, 6 external/OIR, 7 timer.
 * GT-96100 routers (§4.3): 2 network (I/O FPGA; WIC serial through the
 * GT's SerInt0), 3 GT Interrupt0 (on-board Ethernet), 5 DUART, 6 GT
 * Interrupt1 (unused, masked) and the 3745's OIR, 7 timer.
 */
#include "fw.h"

#include "c7200.h"
#include "cp0.h"
#include "exc.h"
#include "net.h"

struct sysinfo sysinfo;
volatile uint32_t sys_work;

static volatile uint32_t tick_count;   /* 4 ms ticks */
static volatile uint32_t up_sec, up_ms; /* uptime: seconds + milliseconds */
static uint32_t count_per_tick;
static uint32_t next_compare;          /* Count of the next tick */
/* Earliest tick a sleeper must wake at (sys_wake_at), if wake_set. */
static uint32_t wake_tick;
static int wake_set;
/* Longest idle sleep without an interrupt: 2 s, well within the 24 s
 * Count wraps in at 175 MHz (the fastest NPE's Count, c7200.md §2.1), so
 * catching up from Count stays unambiguous. */
#define IDLE_MAX_TICKS (2000 / TICK_MS)
static volatile uint32_t spurious_irqs;
/* The idle routine, called through a register (jalr): an emulator that
 * chains direct jumps between translated blocks still sees its address
 * when it looks for the idle PC at block boundaries. Set at boot (.bss). */
static void (*volatile idle_routine)(int use_wait);

#define MPFPGA_REG(off) MMIO32(C7200_MPFPGA_BASE + (off))
#define GT_REG(off)     MMIO32(C7200_GT_BASE + (off))

int32_t emt(uint32_t n, uint32_t a1, uint32_t a2, uint32_t a3)
{
    register uint32_t r_a0 __asm__("$4") = n;
    register uint32_t r_a1 __asm__("$5") = a1;
    register uint32_t r_a2 __asm__("$6") = a2;
    register uint32_t r_a3 __asm__("$7") = a3;
    register uint32_t r_v0 __asm__("$2");

    /* The ROM preserves every register but v0 and k0 (c7200.md §17.1). */
    __asm__ volatile("syscall"
                     : "=r"(r_v0)
                     : "r"(r_a0), "r"(r_a1), "r"(r_a2), "r"(r_a3)
                     : "$26", "memory");
    return (int32_t)r_v0;
}

uint32_t irq_save(void)
{
    uint32_t sr = mfc0(CP0_STATUS);
    mtc0(CP0_STATUS, sr & ~ST_IE);
    return sr;
}

void irq_restore(uint32_t sr)
{
    uint32_t cur = mfc0(CP0_STATUS);
    mtc0(CP0_STATUS, (cur & ~ST_IE) | (sr & ST_IE));
}

/* ---------------------------------------------------------------- timer */

static void add_ticks(uint32_t n)
{
    tick_count += n;
    uint32_t ms = up_ms + n * TICK_MS;
    while (ms >= 1000) {
        ms -= 1000;
        up_sec++;
    }
    up_ms = ms;
}

/*
 * Whole ticks since the last look, from Count: tick_count and the uptime
 * follow Count whether or not the tick interrupt ran for each tick (an
 * idle sleep skips the ticks nothing waits for, sys_idle). next_compare
 * is the Count of the next tick. IE off.
 */
static void timer_catch_up(void)
{
    uint32_t now = mfc0(CP0_COUNT);
    uint32_t n = 0;
    while ((int32_t)(now - next_compare) >= 0) {
        next_compare += count_per_tick;
        n++;
    }
    add_ticks(n);
}

/*
 * Compare := cmp. Writing Compare clears IP7 (R4000 manual, Compare
 * register); if Count is already past cmp the interrupt would come only
 * after Count wraps (24 s at 175 MHz), so then catch up and arm the next
 * tick instead. IE off.
 */
static void timer_arm(uint32_t cmp)
{
    for (;;) {
        mtc0(CP0_COMPARE, cmp);
        if ((int32_t)(mfc0(CP0_COUNT) - cmp) < 0)
            return;
        timer_catch_up();
        cmp = next_compare;
    }
}

static void timer_isr(void)
{
    if (count_per_tick == 0) {
        /* Not started yet (a tick during an early EMT call): re-arm as
         * the ROM does (c7200.md §17.4). */
        mtc0(CP0_COMPARE, mfc0(CP0_COUNT) + 1000000);
        return;
    }
    if (!sysinfo.arch_cpu) {
        /* IP7 is a host tick of 4 ms whatever Compare says, and Count
         * follows executed code (c7200.md §5.2, reference CPU shortcut):
         * one interrupt is one tick. Writing Compare acknowledges it. */
        mtc0(CP0_COMPARE, mfc0(CP0_COUNT) + count_per_tick);
        add_ticks(1);
        return;
    }
    /* Count = Compare raised IP7: count the ticks that passed (more than
     * one after an idle sleep or when the host was busy, so uptime
     * follows host time) and arm the next one. */
    timer_catch_up();
    timer_arm(next_compare);
}
void sys_timer_start(uint32_t cpu_hz)
{
    /* Count runs at half the pipeline clock (R4000 manual, Count). */
    sysinfo.count_hz = cpu_hz / 2;
    count_per_tick = sysinfo.count_hz / (1000 / TICK_MS);
    next_compare = mfc0(CP0_COUNT) + count_per_tick;
    mtc0(CP0_COMPARE, next_compare);
}

uint32_t sys_ticks(void)
{
    if (!sysinfo.arch_cpu || count_per_tick == 0)
        return tick_count;
    uint32_t sr = irq_save();
    timer_catch_up();
    uint32_t t = tick_count;
    irq_restore(sr);
    return t;
}

void sys_uptime(uint32_t *sec, uint32_t *ms)
{
    uint32_t sr = irq_save();
    if (sysinfo.arch_cpu && count_per_tick)
        timer_catch_up();
    *sec = up_sec;
    *ms = up_ms;
    irq_restore(sr);
}

uint32_t sys_usec_start(void)
{
    return sysinfo.arch_cpu ? mfc0(CP0_COUNT) : tick_count;
}

uint32_t sys_usec_since(uint32_t start)
{
    if (!sysinfo.arch_cpu)
        return (tick_count - start) * TICK_MS * 1000;
    uint32_t per_us = sysinfo.count_hz / 1000000;
    return per_us ? (mfc0(CP0_COUNT) - start) / per_us : 0;
}

/* Busy wait for a number of Count cycles (device reset delays). */
void udelay_count(uint32_t counts)
{
    uint32_t start = mfc0(CP0_COUNT);
    while (mfc0(CP0_COUNT) - start < counts)
        ;
}

/* ----------------------------------------------------------- interrupts */

/* 3600 family and GT-96100 routers: lines 3, 4 and 6. */
static void irq_dispatch_mid(uint32_t pending)
{
    if (pending & CAUSE_IP(3)) {
        if (plat.fam == PF_GT96K) {
            net_gt_isr();
        } else {
            /* §3.6 0x20004 / §3.7 0x10014: NM management status; the
             * read clears the line */
            (void)MMIO8(plat.fpga + (plat.id == P_3660 ? 0x10014 : 0x20004));
            spurious_irqs++;
        }
    }
    if (pending & CAUSE_IP(4)) {
        gt_write(0xC18, 0); /* §3.4: interrupt cause, write 0 clears */
        spurious_irqs++;
    }
    if (pending & CAUSE_IP(6)) {
        if (plat.id == P_3745) {
            /* §4.7 0x28: OIR status, write one to clear */
            MMIO16(plat.fpga + 0x28) = MMIO16(plat.fpga + 0x28);
        } else if (plat.fam == PF_C3600) {
            /* §3.6 0x20006 / §3.7 0x2000A: the read clears the line */
            (void)MMIO8(plat.fpga + (plat.id == P_3660 ? 0x2000A : 0x20006));
        }
        spurious_irqs++;
    }
}

static void irq_dispatch(uint32_t pending)
{
    if (pending & CAUSE_IP(7))
        timer_isr();
    if (pending & CAUSE_IP(5))
        tty_rx_isr();
    if (pending & CAUSE_IP(2))
        net_isr();
    if (plat.fam != PF_C7200) {
        irq_dispatch_mid(pending);
        if (pending & (CAUSE_IP(0) | CAUSE_IP(1))) {
            mtc0(CP0_CAUSE, mfc0(CP0_CAUSE) & ~(CAUSE_IP(0) | CAUSE_IP(1)));
            spurious_irqs++;
        }
        return;
    }
    if (pending & CAUSE_IP(4)) {
        /* GT-64120: we start no DMA; acknowledge whatever is there. */
        GT_REG(0xC18) = 0;
        spurious_irqs++;
    }
    if (pending & CAUSE_IP(6)) {
        /* Error / OIR (c7200.md §8 0x70): reading clears the line. */
        uint32_t st = MPFPGA_REG(0x70);
        MPFPGA_REG(0x70) = st;
        spurious_irqs++;
    }
    if (pending & CAUSE_IP(3)) {
        (void)MPFPGA_REG(0x40); /* any access clears line 3 */
        spurious_irqs++;
    }
    if (pending & (CAUSE_IP(0) | CAUSE_IP(1))) {
        mtc0(CP0_CAUSE, mfc0(CP0_CAUSE) & ~(CAUSE_IP(0) | CAUSE_IP(1)));
        spurious_irqs++;
    }
}

static int exc_hook(struct exc_frame *f, int vector)
{
    uint32_t cause = (uint32_t)f->cause;

    if (vector == EXC_VEC_GENERAL && CAUSE_EXCCODE(cause) == EXC_INT) {
        irq_dispatch(cause & (uint32_t)f->status & ST_IM_MASK);
        return 0;
    }
    /* Anything else is a firmware bug: report it like a crash. */
    tty_printf("\n\n*** System crashed: %s exception at PC 0x%08x, "
               "address 0x%08x\n",
               exc_code_name(CAUSE_EXCCODE(cause)), (uint32_t)f->epc,
               (uint32_t)f->badvaddr);
    return 1; /* the runtime dumps the registers and stops the router */
}

/*
 * WAIT is part of every NPE's CPU (R4600/R4700/R5000/RM527x/RM7000). An
 * emulator whose CPU ignores writes to the software-interrupt bits
 * Cause.IP0/IP1 (architecturally writable; the reference's CPU shortcut,
 * c7200.md §2.2) does not implement WAIT either, and reports it as an
 * unknown opcode: there the idle routine spins instead. IE is off.
 */
static int cpu_sleeps_on_wait(void)
{
    uint32_t c = mfc0(CP0_CAUSE);
    mtc0(CP0_CAUSE, c | CAUSE_IP(0));
    int writable = (mfc0(CP0_CAUSE) & CAUSE_IP(0)) != 0;
    mtc0(CP0_CAUSE, c & ~CAUSE_IP(0));
    return writable;
}

static void irq_sources_off(void);

void sys_init(void)
{
    /*
     * While BEV = 1 the syscall reaches the ROM vector directly: fetch the
     * ROM's exception entry table (EMT 0x2A) first; entry 8 is the
     * complete syscall entry (c7200.md §17.1, §17.2).
     */
    const uint32_t *table = (const uint32_t *)emt(EMT_EXCTABLE, 0, 0, 0);
    uint32_t syscall_entry = table[8];

    exc_install(exc_hook); /* copies the vectors, IE off, BEV off */
    exc_forward_syscalls(syscall_entry);
    sysinfo.arch_cpu = cpu_sleeps_on_wait();
    idle_routine = cpu_idle_wait;

    sysinfo.dram_bytes = (uint32_t)emt(EMT_MEMSIZE, 0, 0, 0);
    sysinfo.iomem_bytes = (uint32_t)emt(EMT_IOMEMSIZE, 0, 0, 0);
    sysinfo.nvram_bytes = (uint32_t)emt(EMT_NVRAMSIZE, 0, 0, 0);
    sysinfo.confreg = (uint32_t)emt(EMT_CONFREG, 0, 0, 0) & 0xFFFF;
    sysinfo.platform = (uint32_t)emt(EMT_PLATFORM, 0, 0, 0);
    sysinfo.romver = (const char *)emt(EMT_ROMVERSION, 0, 0, 0);
    sysinfo.prid = mfc0(CP0_PRID);
    plat_detect(sysinfo.platform);
    irq_sources_off();
}

/* No interrupt sources until a driver enables its own. */
static void irq_sources_off(void)
{
    switch (plat.fam) {
    case PF_C7200:
        MPFPGA_REG(0x20) = 0;
        MPFPGA_REG(0x28) = 0;
        break;
    case PF_C3600:
        gt_write(0xC1C, 0); /* §3.4 interrupt mask */
        break;
    case PF_GT96K:
        /* §4.4: Int0 / Int1 main and high masks, SerInt0/1, SDMA mask */
        gt_write(0xC1C, 0);
        gt_write(0xC9C, 0);
        gt_write(0xC24, 0);
        gt_write(0xCA4, 0);
        gt_write(0x103A80, 0);
        gt_write(0x103A88, 0);
        gt_write(0x103A90, 0);
        break;
    }
}

void sys_irq_enable(void)
{
    uint32_t sr = mfc0(CP0_STATUS);
    sr &= ~(ST_IM_MASK | ST_EXL | ST_ERL);
    sr |= ST_IM(7) | ST_IM(5) | ST_IM(2) | ST_IM(4) | ST_IM(6) | ST_IE;
    if (plat.fam != PF_C7200)
        sr |= ST_IM(3); /* NM management (never raised) / GT Interrupt0 */
    mtc0(CP0_STATUS, sr);
}

void sys_wake_at(uint32_t tick)
{
    if (!wake_set || (int32_t)(tick - wake_tick) < 0)
        wake_tick = tick;
    wake_set = 1;
}

/*
 * Arm the timer for the idle sleep: at the tick sys_wake_at asked for
 * rather than at every tick (no interrupt at all in between), at most
 * IDLE_MAX_TICKS ahead; at the next tick when nobody asked. IE off.
 */
static void timer_arm_idle(void)
{
    timer_catch_up();
    uint32_t n = wake_set ? wake_tick - tick_count : 1;
    if ((int32_t)n < 1)
        n = 1;
    if (n > IDLE_MAX_TICKS)
        n = IDLE_MAX_TICKS;
    timer_arm(next_compare + (n - 1) * count_per_tick);
}

/*
 * Sleep until an interrupt is pending. IE is off around the test and WAIT
 * so an interrupt arriving in between cannot be slept through: WAIT ends on
 * any pending unmasked line whatever IE says (RM7000 manual, WAIT); the
 * handler runs as soon as IE is set again. The timer is armed for the
 * earliest deadline given to sys_wake_at since the last sleep (tickless
 * idle); after the sleep it ticks every TICK_MS again.
 */
void sys_idle(void)
{
    if (!sysinfo.arch_cpu) {
        /* No WAIT: spin through the idle PC, interrupts enabled (such a
         * CPU may look at pending interrupts only at branches, §2.2),
         * until the next tick or some work; an idle-PC setting of the
         * emulator then puts the host thread to sleep. */
        uint32_t t = tick_count;
        wake_set = 0;
        while (tick_count == t && !sys_work && !tty_rx_pending())
            idle_routine(0);
        return;
    }
    uint32_t sr = irq_save();
    if (!sys_work && !tty_rx_pending()) {
        if (count_per_tick)
            timer_arm_idle();
        idle_routine(1);
        if (count_per_tick) {
            /* An IP7 pending now is the idle deadline: counted here,
             * cleared by arming the next tick. */
            timer_catch_up();
            timer_arm(next_compare);
        }
    }
    wake_set = 0;
    irq_restore(sr);
}

/*
 * Reload by re-entering the ROM at its reset vector, the way a power-on
 * starts: devices quiet, interrupts off, BEV on. The ROM sets up its timer
 * and launches the image again (still in DRAM; crt0 clears .bss and the
 * firmware keeps no state in .data).
 */
void sys_reload(void)
{
    irq_save();
    net_shutdown();
    tty_quiesce();
    irq_sources_off();
    exc_forward_syscalls(0);
    mtc0(CP0_STATUS, ST_BEV);
    __asm__ volatile("jr %0\n\tnop" : : "r"(C7200_ROM_BASE));
    for (;;)
        ;
}
