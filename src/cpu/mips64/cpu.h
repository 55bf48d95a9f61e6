/*
 * MIPS64 CPU model (R4600/R4700/R5000/RM527x/RM7000 class) following the
 * R4000 and RM7000 manuals: 64-bit GPRs, HI/LO, CP0 with TLB, exceptions
 * with architectural vectors, Count/Compare paced by host time, and the FPU
 * register file with its moves and loads/stores.
 *
 * One CPU runs on one host thread (mips_cpu_run). Other threads talk to it
 * through mips_cpu_set_irq() and mips_cpu_request_stop(), which are safe
 * from any thread.
 */
#ifndef CPU_MIPS64_CPU_H
#define CPU_MIPS64_CPU_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/mips64/decode.h"

struct physmap;
struct logger;
struct mips_jit;

/* CP0 register numbers (R4000 manual, table 4-1; RM7000 manual ch. 6) */
enum {
    CP0_INDEX = 0, CP0_RANDOM = 1, CP0_ENTRYLO0 = 2, CP0_ENTRYLO1 = 3,
    CP0_CONTEXT = 4, CP0_PAGEMASK = 5, CP0_WIRED = 6, CP0_INFO = 7,
    CP0_BADVADDR = 8, CP0_COUNT = 9, CP0_ENTRYHI = 10, CP0_COMPARE = 11,
    CP0_STATUS = 12, CP0_CAUSE = 13, CP0_EPC = 14, CP0_PRID = 15,
    CP0_CONFIG = 16, CP0_LLADDR = 17, CP0_WATCHLO = 18, CP0_WATCHHI = 19,
    CP0_XCONTEXT = 20, CP0_ECC = 26, CP0_CACHEERR = 27, CP0_TAGLO = 28,
    CP0_TAGHI = 29, CP0_ERROREPC = 30,
};

/* Status bits (R4000 manual, figure 4-11) */
#define ST_IE 0x00000001u
#define ST_EXL 0x00000002u
#define ST_ERL 0x00000004u
#define ST_KSU_MASK 0x00000018u
#define ST_KSU_SUPER 0x00000008u
#define ST_KSU_USER 0x00000010u
#define ST_UX 0x00000020u
#define ST_SX 0x00000040u
#define ST_KX 0x00000080u
#define ST_IM_MASK 0x0000FF00u
#define ST_BEV 0x00400000u
#define ST_FR 0x04000000u
#define ST_CU0 0x10000000u
#define ST_CU1 0x20000000u
#define ST_CU2 0x40000000u

/* Cause bits (R4000 manual, figure 4-12) */
#define CAUSE_BD 0x80000000u
#define CAUSE_CE_SHIFT 28
#define CAUSE_IP_MASK 0x0000FF00u
#define CAUSE_IP_SW 0x00000300u
#define CAUSE_EXC_MASK 0x0000007Cu

/* Exception codes (R4000 manual, table 5-5) */
enum {
    EXC_INT = 0, EXC_MOD = 1, EXC_TLBL = 2, EXC_TLBS = 3, EXC_ADEL = 4,
    EXC_ADES = 5, EXC_IBE = 6, EXC_DBE = 7, EXC_SYS = 8, EXC_BP = 9,
    EXC_RI = 10, EXC_CPU = 11, EXC_OV = 12, EXC_TR = 13, EXC_FPE = 15,
    EXC_WATCH = 23,
};

/* Processor IDs (c7200.md §2.1, mips64.md §3.4) */
#define PRID_R4600 0x00002012u
#define PRID_R4700 0x00002112u
#define PRID_R5000 0x00002312u
#define PRID_RM7000 0x00002721u
#define PRID_RM527X 0x00002812u
#define PRID_BCM1250 0x00040102u

#define MIPS_TLB_MAX 64

struct tlb_entry {
    uint64_t mask; /* PageMask bits 24..13 */
    uint64_t hi;   /* R, VPN2, ASID (G kept separately) */
    uint64_t lo0;
    uint64_t lo1;
    int global;
};

/* Translation cache entry: guest virtual 4 KB page -> host or device. */
struct tc_entry {
    uint64_t tag;      /* va page | mode key; TC_INVALID when empty */
    uint8_t *host;     /* RAM page base, NULL for device pages */
    uint64_t pa_page;  /* physical page address */
    int writable;      /* stores may use host directly */
};

/* Decoded-instruction cache: instruction word -> table id. */
#define DC_BITS 14
#define DC_SIZE (1u << DC_BITS)
struct dc_entry {
    uint32_t word;
    uint32_t id;
};

#define TC_BITS 10
#define TC_SIZE (1u << TC_BITS)
#define TC_INVALID 1ull

/*
 * Automatic idle detection (idle_auto.c). A "pure polling loop" is a
 * stretch of guest code that comes back to where it started with no store
 * that changes memory, no CP0/TLB/cache side effect, no exception, and no
 * register carried from one iteration to the next that changed: it can
 * only ever leave because of something outside it (an interrupt, a device
 * register, memory written by someone else, the Count register). Such a
 * loop the guest has been spinning in for a while becomes the idle PC.
 */
enum {
    IDLE_LOOP_COUNT = 1 << 0,  /* reads Count: its exit time is computable */
    IDLE_LOOP_DEVICE = 1 << 1, /* reads a device register or Cause */
    IDLE_LOOP_STORES = 1 << 2, /* has (silent) stores */
    /* reads RAM or a CP0 register other than Count: what it reads may
     * change while it does not run (an interrupt handler) */
    IDLE_LOOP_INPUTS = 1 << 3,
};

struct mips_idle_loop {
    uint64_t pc;               /* idle PC: reached once per iteration */
    uint64_t lo, hi;           /* lowest / highest PC of an iteration */
    unsigned len;              /* instructions per iteration */
    unsigned flags;            /* IDLE_LOOP_* */
    uint64_t rbw;              /* registers read before written in an
                                * iteration (bit 32 HI, bit 33 LO) */
};

/*
 * When a loop that reads only registers and Count ends (idle_auto.c): the
 * same loop with the same register values and the same Count time base
 * ends at the same host instant, however often it is interrupted.
 */
struct mips_idle_end {
    uint64_t pc, rbw;
    uint64_t regs[34];         /* GPRs, HI, LO as they were */
    uint64_t count_base, time_base_ns;
    uint64_t end_ns;           /* 0: nothing known */
};

#define MIPS_IDLE_PROPS 10

struct mips_idle_prop {
    uint32_t pc;
    uint32_t count;            /* samples (slice ends) at / in it */
    int loop;                  /* a verified pure polling loop */
};

struct mips_idle_calib;        /* get_idle_pc_prop measurement (idle_auto.c) */

struct mips_idle_auto {
    int enabled;               /* atomic: mips_cpu_set_auto_idle() */
    uint64_t pc;               /* adopted idle PC, 0 = none (CPU thread
                                * writes, atomic stores) */
    struct mips_idle_loop loop;   /* the adopted loop */
    struct mips_idle_loop cand;   /* the last loop a probe found */
    unsigned window, in_loop, streak;
    unsigned backoff, backoff_next;
    unsigned strikes;
    uint64_t hits_start;       /* insn_count when idle_hits restarted */
    struct mips_idle_end end;  /* the last exit time computed */
    uint64_t holdoff_until;    /* insn_count: no adoption before */
    uint64_t dropped_pc;       /* the last loop given up */
    /* For display by other threads, written with mips_stat_set() and
     * read with relaxed atomic loads: the statistics, and the adopted
     * loop's len | flags << 16 (set before pc). */
    uint64_t probes, probe_insns, adoptions, drops, sleeps, refusals;
    uint64_t slept_ns;
    uint32_t shown_loop;
};

/* The CPU thread's store of a value other threads read for display. */
static inline void mips_stat_set(uint64_t *stat, uint64_t v)
{
    __atomic_store_n(stat, v, __ATOMIC_RELAXED);
}

enum mips_cpu_state {
    CPU_STOPPED = 0,
    CPU_RUNNING,
    CPU_HALTED, /* the guest did something the VM can't continue from */
};

struct mips_cpu_config {
    uint32_t prid;
    int tlb_entries;          /* 48 or 64 */
    uint32_t config;          /* CP0 Config (c7200.md §2.2: 0x00C08FF0) */
    uint32_t info;            /* CP0 r7 (c7200.md §2.2: 0x20000000) */
    uint64_t count_hz;        /* Count rate */
    int deterministic;        /* time derived from executed instructions */
    uint64_t bus_mask;        /* physical address bus mask */
};

struct mips_cpu {
    /* architectural state */
    uint64_t gpr[32];
    uint64_t hi, lo;
    uint64_t pc;

    /*
     * Read or written by translated code at every block (jit_trans.c).
     * They sit right after the registers on purpose: a load whose address
     * equals a recent store's modulo 4096 waits for that store on x86
     * ("4K aliasing"), and a layout that put jit_end and tc_gen 4 KB
     * after gpr[2..3] made translated code twice as slow. Keep them here.
     */
    uint64_t insn_count;
    uint64_t jit_end;         /* insn_count where translated code stops;
                               * 0 once attention is raised */
    uint32_t attention;       /* atomic; nonzero = leave the fast loop */
    uint32_t tc_gen;          /* bumped by every translation cache flush */
    int in_delay_slot;        /* executing the slot of a branch at pc */
    /* kseg0 window of translated loads/stores (jit.c): kseg0 addresses
     * below KSEG0 + jit_k0_limit[0] are RAM at host jit_k0_base + va;
     * stores also need jit_k0_code[page] == 0 (no translations in that
     * page). jit_k0_limit[s] is the limit >> s: translated code compares
     * the offset rotated right by s with it, which also fails for an
     * address not aligned on 2^s bytes (its low bits rotate to the top) */
    uint64_t jit_k0_limit[4]; /* 0: no window */
    uintptr_t jit_k0_base;    /* host address of RAM minus KSEG0 (wraps) */
    uintptr_t jit_k0_base_zx; /* jit_k0_base - 2^32: plus a kseg0 address
                               * given as its zero-extended low word */
    const uint8_t *jit_k0_code;

    /* architectural state, continued */
    uint64_t cp0[32];
    uint64_t cp0_set1[32];    /* RM7000 CFC0/CTC0 control registers */
    uint64_t fpr[32];
    uint32_t fcr31;
    int ll_bit;
    struct tlb_entry tlb[MIPS_TLB_MAX];
    int tlb_entries;
    uint64_t random_base;     /* insn_count when Random was N-1 */

    /* execution bookkeeping */
    int exception_taken;      /* set when the current instruction trapped */
    int waiting;              /* WAIT executed: sleep until an interrupt */
    const struct mips_decoder *dec;
    struct dc_entry dcache[DC_SIZE];

    /* interrupts: lines 2..7 from devices, any thread */
    uint32_t irq_lines;       /* atomic; bit n = line n */
    int timer_pending;        /* Count reached Compare (IP7); the CPU
                               * thread's stores are atomic: shown by
                               * show_timer_drift */

    /* timer */
    uint64_t count_hz;
    int deterministic;
    uint64_t count_base;      /* Count at time_base */
    uint64_t time_base_ns;
    uint64_t compare_deadline_ns;
    /* nonzero: host time as mips_time_ns() gives it, fixed (speculative
     * runs of an idle loop, idle_loop.c) */
    uint64_t time_fixed_ns;

    /* memory */
    struct physmap *pm;
    uint64_t bus_mask;
    unsigned mode_key;        /* privilege/addressing key of tc tags */
    struct tc_entry tc[TC_SIZE];
    uint64_t fetch_page;      /* va page of fetch_host, or TC_INVALID */
    uint8_t *fetch_host;

    /* idle-PC (mips64.md §10.4): PC that the guest reaches only when idle */
    uint64_t idle_pc;         /* 0 = off (CPU thread: manual or automatic) */
    uint64_t idle_pc_manual;  /* atomic: set by mips_cpu_set_idle_pc() */
    unsigned idle_max;        /* hits before sleeping (default 500) */
    unsigned idle_sleep_us;   /* longest sleep (default 30000) */
    unsigned idle_hits;
    int idle_sleep_req;
    uint64_t idle_sleeps;     /* statistics */
    struct mips_idle_auto idle_auto;
    struct mips_idle_calib *idle_calib; /* atomic; NULL until first used */

    /* run control */
    int state;                /* enum mips_cpu_state, atomic */
    int stop_request;         /* atomic */
    /* sleeps of the CPU thread (cpu.c): a futex word bumped by every wake,
     * and whether the thread may be waiting on it (atomics) */
    uint32_t wake_seq;
    int sleeping;
    unsigned exc_loop_count;  /* same exception repeated (exception.c) */
    uint64_t last_exc_key;

    /* dynamic translator (jit.c); NULL: the interpreter runs everything */
    struct mips_jit *jit;

    /* debugging */
    FILE *trace;              /* executed-instruction log, or NULL */
    struct logger *log;
    uint32_t cfg_config, cfg_info, cfg_prid;
};

int mips_cpu_init(struct mips_cpu *cpu, const struct mips_cpu_config *cfg,
                  struct physmap *pm, struct logger *log);
void mips_cpu_destroy(struct mips_cpu *cpu);

/* Architectural reset: PC 0xBFC00000, Status BEV|ERL, TLB cleared. */
void mips_cpu_reset(struct mips_cpu *cpu);

/* Run until stopped (by request or by the guest halting the VM). */
void mips_cpu_run(struct mips_cpu *cpu);
/* Execute at most n instructions (tests); returns the number executed. */
uint64_t mips_cpu_step(struct mips_cpu *cpu, uint64_t n);

/* Any thread. */
void mips_cpu_set_irq(struct mips_cpu *cpu, int line, int level);
/* Idle-PC as a 32-bit guest address (0 = off); max = 0 / sleep_us = 0 keep
 * the current value. */
void mips_cpu_set_idle_pc(struct mips_cpu *cpu, uint64_t pc);
void mips_cpu_set_idle_params(struct mips_cpu *cpu, unsigned max,
                              unsigned sleep_us);
/* Automatic idle detection on (default) or off; any thread. Off in
 * deterministic mode, and a manual idle PC takes precedence. */
void mips_cpu_set_auto_idle(struct mips_cpu *cpu, int on);
/* The idle PC in use (manual or found), 0 if none; any thread. */
uint64_t mips_cpu_idle_pc(const struct mips_cpu *cpu);
/*
 * idle-PC calibration (hypervisor `vm get_idle_pc_prop`, mips64.md §12
 * item 9): for `ms` milliseconds the CPU thread counts the PC at every
 * slice end (exact, not sampled from another thread, and only PCs where
 * translated code returns to the dispatcher) and probes the hot ones for
 * pure polling loops. Any thread but the CPU's, while the CPU exists:
 * start (0, -EBUSY when one runs, -ENOMEM), then poll the result: -EAGAIN
 * until the time is up, then up to max proposals, verified loops first,
 * then by count. Cancel drops a measurement (its caller gives up).
 */
int mips_cpu_idle_calib_start(struct mips_cpu *cpu, unsigned ms);
int mips_cpu_idle_calib_result(struct mips_cpu *cpu,
                               struct mips_idle_prop *props, int max);
void mips_cpu_idle_calib_cancel(struct mips_cpu *cpu);
/* One line of automatic idle state for humans (monitor, hypervisor). */
void mips_cpu_idle_describe(const struct mips_cpu *cpu, char *buf,
                            size_t len);
void mips_cpu_request_stop(struct mips_cpu *cpu);
void mips_cpu_halt(struct mips_cpu *cpu, const char *why);

/*
 * Snapshots (core/snapshot.c saves the architectural fields of this
 * structure): Count as the guest would read it now, and, after the fields
 * were loaded back, the derived state (addressing mode, translation
 * caches, Count restarting from `count` now, the Compare deadline).
 * CPU stopped.
 */
uint32_t mips_cpu_count_read(const struct mips_cpu *cpu);
void mips_cpu_state_loaded(struct mips_cpu *cpu, uint32_t count);

void mips_cpu_dump(const struct mips_cpu *cpu, FILE *out);

void mips_cpu_dump_tlb(const struct mips_cpu *cpu, FILE *out);

/* Disassemble one word at pc into buf; returns buf. */
char *mips_disasm(uint32_t insn, uint64_t pc, char *buf, size_t len);

extern const char *const mips_gpr_names[32];

#endif
