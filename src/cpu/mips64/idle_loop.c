/*
 * Pure polling loops (cpu.h): finding one by running the guest on while
 * watching each instruction (the probe), and computing when one that
 * reads Count will end (speculative iterations, state restored). Used by
 * automatic idle detection and calibration (idle_auto.c, idle_calib.c).
 */
#include "cpu/mips64/idle_auto.h"

#include <string.h>

#include "cpu/mips64/cpu_internal.h"

#define PROBE_MAX_STEPS 48        /* steps (instruction, or branch + slot) */
#define BISECT_NS 20000ull        /* precision of the end time */

#define R_HI 32
#define R_LO 33

/* ------------------------------------------------------------ helpers */

/*
 * Host address of guest virtual va for a look without side effects: the
 * translation cache, the fetch page, or unmapped KSEG0/KSEG1 RAM (R4000
 * manual §4.3: physical = va bits 28..0). NULL when that would need a
 * TLB lookup or the address is not RAM.
 */
static const uint8_t *quiet_host(struct mips_cpu *cpu, uint64_t va)
{
    const struct tc_entry *e = mips_tc_lookup(cpu, va);
    if (e->tag == mips_tc_tag(cpu, va) && e->host)
        return e->host + (va & 0xFFF);
    if ((va & ~0xFFFull) == cpu->fetch_page)
        return cpu->fetch_host + (va & 0xFFF);
    if (va >= 0xFFFFFFFF80000000ull && va < 0xFFFFFFFFC0000000ull &&
        mips_priv(cpu) == 0) {
        uint64_t pa = va & 0x1FFFFFFFull;
        const struct phys_region *r = physmap_find(cpu->pm, pa);
        if (r && (r->flags & PR_RAM) && r->host && pa - r->base < r->size)
            return r->host + (pa - r->base);
    }
    return NULL;
}

static uint64_t reg_value(const struct mips_cpu *cpu, int r)
{
    return r == R_HI ? cpu->hi : r == R_LO ? cpu->lo : cpu->gpr[r];
}

/* ------------------------------------------------ instruction effects */

enum use_kind { K_PLAIN, K_LOAD, K_STORE, K_COUNT, K_EXT, K_CP0, K_REJECT };

struct insn_use {
    uint64_t rd, wr;  /* registers read / written (bit 32 HI, 33 LO) */
    int kind;
    unsigned size;    /* memory access bytes */
    int base, rt;
    int64_t off;
};

static uint64_t rbit(unsigned r)
{
    return r ? 1ull << r : 0; /* GPR 0 carries nothing */
}

static unsigned mem_size(enum insn_id id)
{
    switch (id) {
    case INSN_lb: case INSN_lbu: case INSN_sb: return 1;
    case INSN_lh: case INSN_lhu: case INSN_sh: return 2;
    case INSN_ld: case INSN_sd: case INSN_ldl: case INSN_ldr: return 8;
    default: return 4;
    }
}

/* What one instruction reads, writes and touches (MIPS IV formats). */
static void insn_use(uint32_t w, enum insn_id id, struct insn_use *u)
{
    const struct insn_desc *d = &mips_insn_desc[id];
    unsigned rs = INSN_RS(w), rt = INSN_RT(w), rd = INSN_RD(w);
    memset(u, 0, sizeof(*u));
    u->kind = K_PLAIN;
    if (d->flags & F_CP1) {
        u->kind = K_REJECT;
        return;
    }
    switch (d->fmt) {
    case FMT_RRR:
        u->rd = rbit(rs) | rbit(rt);
        u->wr = rbit(rd);
        if (id == INSN_movz || id == INSN_movn)
            u->rd |= rbit(rd);
        if (id == INSN_mul)
            u->wr |= 1ull << R_HI | 1ull << R_LO;
        break;
    case FMT_SHIFT:
        u->rd = rbit(rt);
        u->wr = rbit(rd);
        break;
    case FMT_SHIFTV:
        u->rd = rbit(rs) | rbit(rt);
        u->wr = rbit(rd);
        break;
    case FMT_RRI:
    case FMT_RRU:
        u->rd = rbit(rs);
        u->wr = rbit(rt);
        break;
    case FMT_LUI:
        u->wr = rbit(rt);
        break;
    case FMT_MEM:
        u->base = (int)rs;
        u->rt = (int)rt;
        u->off = INSN_IMM(w);
        u->size = mem_size(id);
        u->rd = rbit(rs);
        if (d->flags & F_LOAD) {
            if (id == INSN_ll || id == INSN_lld) {
                u->kind = K_REJECT; /* sets the link bit */
                return;
            }
            u->kind = K_LOAD;
            u->wr = rbit(rt);
            if (id == INSN_lwl || id == INSN_lwr || id == INSN_ldl ||
                id == INSN_ldr)
                u->rd |= rbit(rt);
        } else if (id == INSN_sb || id == INSN_sh || id == INSN_sw ||
                   id == INSN_sd) {
            u->kind = K_STORE;
            u->rd |= rbit(rt);
        } else {
            u->kind = K_REJECT; /* partial and conditional stores */
        }
        break;
    case FMT_BRANCH1:
        u->rd = rbit(rs);
        if (id == INSN_bltzal || id == INSN_bgezal || id == INSN_bltzall ||
            id == INSN_bgezall)
            u->wr = rbit(31);
        break;
    case FMT_BRANCH2:
        u->rd = rbit(rs) | rbit(rt);
        break;
    case FMT_JUMP:
        if (id == INSN_jal)
            u->wr = rbit(31);
        break;
    case FMT_JR:
        u->rd = rbit(rs);
        break;
    case FMT_JALR:
        u->rd = rbit(rs);
        u->wr = rbit(rd);
        break;
    case FMT_RS_RT:
        u->rd = rbit(rs) | rbit(rt);
        if (id == INSN_mad || id == INSN_madu)
            u->rd |= 1ull << R_HI | 1ull << R_LO;
        if (!(id >= INSN_tge && id <= INSN_tne))
            u->wr = 1ull << R_HI | 1ull << R_LO;
        break;
    case FMT_RS_IMM:
        u->rd = rbit(rs);
        break;
    case FMT_RD:
        u->rd = 1ull << (id == INSN_mfhi ? R_HI : R_LO);
        u->wr = rbit(rd);
        break;
    case FMT_RS:
        u->rd = rbit(rs);
        u->wr = 1ull << (id == INSN_mthi ? R_HI : R_LO);
        break;
    case FMT_COP0:
        if (id == INSN_mfc0 || id == INSN_dmfc0 || id == INSN_cfc0) {
            u->wr = rbit(rt);
            if (id != INSN_cfc0 && rd == CP0_COUNT)
                u->kind = K_COUNT;
            else if (id != INSN_cfc0 && (rd == CP0_CAUSE || rd == CP0_RANDOM))
                u->kind = K_EXT; /* interrupt lines, Random */
            else
                u->kind = K_CP0;
        } else {
            u->kind = K_REJECT; /* CP0 writes change the machine */
        }
        break;
    case FMT_NONE:
        if (id != INSN_sync)
            u->kind = K_REJECT; /* TLB, ERET, WAIT */
        break;
    case FMT_CACHE:
        if (id == INSN_pref)
            u->rd = rbit(rs);
        else
            u->kind = K_REJECT;
        break;
    default:
        u->kind = K_REJECT; /* SYSCALL, BREAK, coprocessor 1/2/1X */
        break;
    }
}

static int store_is_silent(const uint8_t *p, uint64_t v, unsigned size)
{
    switch (size) {
    case 1: return *p == (uint8_t)v;
    case 2: return be16_load(p) == (uint16_t)v;
    case 4: return be32_load(p) == (uint32_t)v;
    default: return be64_load(p) == v;
    }
}

/* ------------------------------------------------------ loop walking */

struct walk {
    uint64_t rbw, wr;  /* read-before-written, written registers */
    uint64_t lo, hi;   /* PCs seen */
    uint64_t head;     /* first backward branch target taken */
    unsigned flags;    /* IDLE_LOOP_* */
    int ram_only;      /* speculation: refuse anything but RAM loads */
};

enum { STEP_OK = 0, STEP_REFUSED = -1, STEP_FAULT = -2 };

/*
 * Look at the instruction at PC (with its delay slot) and run it if it is
 * allowed in a pure polling loop. STEP_REFUSED: nothing was executed.
 */
static int walk_step(struct mips_cpu *cpu, struct walk *w)
{
    uint64_t pc = cpu->pc;
    const uint8_t *h = quiet_host(cpu, pc);
    if ((pc & 3) || !h)
        return STEP_REFUSED;
    uint32_t insn[2];
    struct insn_use u[2];
    int k = 1;
    insn[0] = be32_load(h);
    enum insn_id id = mips_decode_side(cpu, insn[0]);
    insn_use(insn[0], id, &u[0]);
    int br = (mips_insn_desc[id].flags & F_BRANCH) != 0;
    if (br) {
        const uint8_t *hs = (pc & 0xFFF) == 0xFFC ? quiet_host(cpu, pc + 4)
                                                  : h + 4;
        if (!hs)
            return STEP_REFUSED;
        insn[1] = be32_load(hs);
        enum insn_id sid = mips_decode_side(cpu, insn[1]);
        if (mips_insn_desc[sid].flags & F_BRANCH)
            return STEP_REFUSED;
        insn_use(insn[1], sid, &u[1]);
        /* The slot sees the link register the branch writes: keep out. */
        if (u[0].wr & u[1].rd)
            return STEP_REFUSED;
        k = 2;
    }
    uint64_t ea[2] = {0, 0};
    int check_after[2] = {0, 0};
    uint64_t rbw = w->rbw, wr = w->wr;
    unsigned flags = w->flags;
    for (int i = 0; i < k; i++) {
        if (u[i].kind == K_REJECT)
            return STEP_REFUSED;
        rbw |= u[i].rd & ~wr;
        wr |= u[i].wr;
        if (u[i].kind == K_LOAD || u[i].kind == K_STORE)
            ea[i] = cpu->gpr[u[i].base] + (uint64_t)u[i].off;
        if (u[i].kind == K_STORE) {
            const uint8_t *p = quiet_host(cpu, ea[i]);
            if ((ea[i] & (u[i].size - 1)) || !p ||
                !store_is_silent(p, cpu->gpr[u[i].rt], u[i].size))
                return STEP_REFUSED;
            flags |= IDLE_LOOP_STORES;
        } else if (u[i].kind == K_LOAD) {
            flags |= IDLE_LOOP_INPUTS;
            if (!quiet_host(cpu, ea[i])) {
                if (w->ram_only)
                    return STEP_REFUSED;
                check_after[i] = 1;
            }
        } else if (u[i].kind == K_CP0) {
            flags |= IDLE_LOOP_INPUTS;
        } else if (u[i].kind == K_COUNT) {
            flags |= IDLE_LOOP_COUNT;
        } else if (u[i].kind == K_EXT) {
            if (w->ram_only)
                return STEP_REFUSED;
            flags |= IDLE_LOOP_DEVICE;
        }
    }
    mips_exec_one_side(cpu);
    if (cpu->exception_taken)
        return STEP_FAULT;
    for (int i = 0; i < k; i++)
        if (check_after[i] && !quiet_host(cpu, ea[i]))
            flags |= IDLE_LOOP_DEVICE; /* not RAM even now: a device */
    w->rbw = rbw;
    w->wr = wr;
    w->flags = flags;
    uint64_t last = pc + 4u * (unsigned)(k - 1);
    if (pc < w->lo)
        w->lo = pc;
    if (last > w->hi)
        w->hi = last;
    if (br && !w->head && cpu->pc <= pc && cpu->pc != pc + 8)
        w->head = cpu->pc;
    return STEP_OK;
}

/*
 * Run the guest on from its PC and report whether it went once around a
 * pure polling loop (then *out describes it and the PC is back where it
 * was). Whatever happens, what ran was real guest execution.
 */
int mips_idle_probe(struct mips_cpu *cpu, struct mips_idle_loop *out)
{
    struct mips_idle_auto *a = &cpu->idle_auto;
    uint64_t start = cpu->pc;
    if (cpu->waiting || mips_irq_deliverable(cpu))
        return 0;
    uint64_t r0[34];
    memcpy(r0, cpu->gpr, sizeof(cpu->gpr));
    r0[R_HI] = cpu->hi;
    r0[R_LO] = cpu->lo;
    struct walk w = {.lo = start, .hi = start};
    uint64_t n0 = cpu->insn_count;
    int ok = 0;
    mips_stat_set(&a->probes, a->probes + 1);
    for (int step = 0; step < PROBE_MAX_STEPS; step++) {
        if (walk_step(cpu, &w) != STEP_OK)
            break;
        if (cpu->pc == start) {
            ok = 1;
            break;
        }
    }
    mips_stat_set(&a->probe_insns, a->probe_insns + cpu->insn_count - n0);
    if (!ok)
        return 0;
    /* Nothing carried over: the next iteration sees the same inputs. */
    for (int r = 1; r < 34; r++)
        if ((w.rbw >> r & 1) && reg_value(cpu, r) != r0[r])
            return 0;
    out->pc = w.head ? w.head : start;
    out->lo = w.lo;
    out->hi = w.hi;
    out->len = (unsigned)(cpu->insn_count - n0);
    out->flags = w.flags;
    out->rbw = w.rbw;
    return 1;
}

/* ------------------------------------------ when does the loop end? */

struct spec_state {
    uint64_t gpr[32], hi, lo, pc, cp0[32], insn_count, time_base_ns;
    uint64_t last_exc_key, random_base;
    unsigned exc_loop_count;
    int ll_bit, in_delay_slot;
};

static void spec_save(const struct mips_cpu *cpu, struct spec_state *s)
{
    memcpy(s->gpr, cpu->gpr, sizeof(s->gpr));
    memcpy(s->cp0, cpu->cp0, sizeof(s->cp0));
    s->hi = cpu->hi;
    s->lo = cpu->lo;
    s->pc = cpu->pc;
    s->insn_count = cpu->insn_count;
    s->time_base_ns = cpu->time_base_ns;
    s->last_exc_key = cpu->last_exc_key;
    s->random_base = cpu->random_base;
    s->exc_loop_count = cpu->exc_loop_count;
    s->ll_bit = cpu->ll_bit;
    s->in_delay_slot = cpu->in_delay_slot;
}

static void spec_restore(struct mips_cpu *cpu, const struct spec_state *s)
{
    int mode = cpu->cp0[CP0_STATUS] != s->cp0[CP0_STATUS];
    memcpy(cpu->gpr, s->gpr, sizeof(s->gpr));
    memcpy(cpu->cp0, s->cp0, sizeof(s->cp0));
    cpu->hi = s->hi;
    cpu->lo = s->lo;
    cpu->pc = s->pc;
    cpu->insn_count = s->insn_count;
    cpu->time_base_ns = s->time_base_ns;
    cpu->last_exc_key = s->last_exc_key;
    cpu->random_base = s->random_base;
    cpu->exc_loop_count = s->exc_loop_count;
    cpu->ll_bit = s->ll_bit;
    cpu->in_delay_slot = s->in_delay_slot;
    cpu->exception_taken = 0;
    if (mode)
        mips_update_mode(cpu);
}

/*
 * Would the loop still be spinning if Count read as it will `delta_ns`
 * from now? Runs one iteration from the saved state, executing only
 * instructions of the loop's kind (RAM loads, silent stores, arithmetic);
 * anything else means the guest would have left the loop.
 */
static int spins_at(struct mips_cpu *cpu, const struct mips_idle_loop *l,
                    const struct spec_state *s, uint64_t now_ns,
                    uint64_t delta_ns)
{
    spec_restore(cpu, s);
    cpu->time_fixed_ns = now_ns + delta_ns;
    struct walk w = {.lo = l->lo, .hi = l->hi, .ram_only = 1};
    uint64_t budget = (uint64_t)l->len * 2 + 16;
    while (cpu->insn_count - s->insn_count < budget) {
        if (cpu->pc < l->lo || cpu->pc > l->hi)
            return 0;
        if (walk_step(cpu, &w) != STEP_OK)
            return 0;
        if (cpu->pc == l->pc)
            return 1;
    }
    return 0;
}

uint64_t mips_idle_exit_delay(struct mips_cpu *cpu,
                              const struct mips_idle_loop *l, uint64_t now_ns,
                              uint64_t max_ns)
{
    struct spec_state s;
    spec_save(cpu, &s);
    uint64_t r;
    if (!spins_at(cpu, l, &s, now_ns, 0)) {
        r = 0;
    } else if (spins_at(cpu, l, &s, now_ns, max_ns)) {
        r = max_ns;
    } else {
        uint64_t lo = 0, hi = max_ns; /* spins at lo, exited at hi */
        while (hi - lo > BISECT_NS) {
            uint64_t mid = lo + (hi - lo) / 2;
            if (spins_at(cpu, l, &s, now_ns, mid))
                lo = mid;
            else
                hi = mid;
        }
        r = lo;
    }
    cpu->time_fixed_ns = 0;
    spec_restore(cpu, &s);
    return r;
}
