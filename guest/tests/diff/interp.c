/*
 * interp: a small stack-machine bytecode interpreter, run twice: with a
 * switch (compiled to a jump table: LW + JR) and with direct threading
 * (GCC labels as values: JR through a register). Programs: iterative and
 * recursive Fibonacci, factorial in 64 bits, Euclid's GCD, a prime count and
 * a bubble sort in the VM's memory. Differential against qemu.
 */
#include "tio.h"

enum {
    PUSH, POP, DUP, SWAP, OVER, ADD, SUB, MUL, DIVS, MODS, AND, OR, XOR, SHL,
    SHR, SAR, NEG, LT, LTU, EQ, JMP, JZ, JNZ, CALL, RET, LOAD, STORE, PRINT,
    HALT, ROT, NOPS
};

static const char *const names[NOPS] = {
    "push", "pop", "dup", "swap", "over", "add", "sub", "mul", "divs", "mods",
    "and", "or", "xor", "shl", "shr", "sar", "neg", "lt", "ltu", "eq", "jmp",
    "jz", "jnz", "call", "ret", "load", "store", "print", "halt", "rot",
};

typedef int64_t cell;

struct vm {
    cell stack[256];
    int sp;
    int rstack[64];
    int rsp;
    cell mem[64];
    unsigned long steps;
    uint64_t out_hash;
    int nout;
    unsigned long opcount[NOPS];
};

static void vm_print(struct vm *m, cell v)
{
    if (m->nout < 12)
        t_printf("    out %lld\n", v);
    m->nout++;
    m->out_hash = t_fnv(m->out_hash, (uint64_t)v);
}

#define POP1() (m->stack[--m->sp])
#define PUSH1(v) (m->stack[m->sp++] = (v))

static int run_switch(struct vm *m, const cell *code)
{
    int pc = 0;
    for (;;) {
        cell op = code[pc++], a, b, c;
        m->steps++;
        m->opcount[op]++;
        switch (op) {
        case PUSH: PUSH1(code[pc++]); break;
        case POP: m->sp--; break;
        case DUP: a = POP1(); PUSH1(a); PUSH1(a); break;
        case SWAP: b = POP1(); a = POP1(); PUSH1(b); PUSH1(a); break;
        case OVER: b = POP1(); a = POP1(); PUSH1(a); PUSH1(b); PUSH1(a); break;
        case ROT: c = POP1(); b = POP1(); a = POP1(); PUSH1(b); PUSH1(c);
            PUSH1(a); break;
        case ADD: b = POP1(); a = POP1(); PUSH1(a + b); break;
        case SUB: b = POP1(); a = POP1(); PUSH1(a - b); break;
        case MUL: b = POP1(); a = POP1(); PUSH1((cell)((uint64_t)a * (uint64_t)b)); break;
        case DIVS: b = POP1(); a = POP1(); PUSH1(b ? a / b : 0); break;
        case MODS: b = POP1(); a = POP1(); PUSH1(b ? a % b : 0); break;
        case AND: b = POP1(); a = POP1(); PUSH1(a & b); break;
        case OR: b = POP1(); a = POP1(); PUSH1(a | b); break;
        case XOR: b = POP1(); a = POP1(); PUSH1(a ^ b); break;
        case SHL: b = POP1(); a = POP1(); PUSH1((cell)((uint64_t)a << (b & 63))); break;
        case SHR: b = POP1(); a = POP1(); PUSH1((cell)((uint64_t)a >> (b & 63))); break;
        case SAR: b = POP1(); a = POP1(); PUSH1(a >> (b & 63)); break;
        case NEG: a = POP1(); PUSH1((cell)(0 - (uint64_t)a)); break;
        case LT: b = POP1(); a = POP1(); PUSH1(a < b); break;
        case LTU: b = POP1(); a = POP1(); PUSH1((uint64_t)a < (uint64_t)b); break;
        case EQ: b = POP1(); a = POP1(); PUSH1(a == b); break;
        case JMP: pc = (int)code[pc]; break;
        case JZ: a = POP1(); pc = a ? pc + 1 : (int)code[pc]; break;
        case JNZ: a = POP1(); pc = a ? (int)code[pc] : pc + 1; break;
        case CALL: m->rstack[m->rsp++] = pc + 1; pc = (int)code[pc]; break;
        case RET: pc = m->rstack[--m->rsp]; break;
        case LOAD: a = POP1(); PUSH1(m->mem[a & 63]); break;
        case STORE: a = POP1(); b = POP1(); m->mem[a & 63] = b; break;
        case PRINT: vm_print(m, POP1()); break;
        case HALT: return m->sp;
        default: return -1;
        }
    }
}

static int run_threaded(struct vm *m, const cell *code)
{
    static const void *const labels[NOPS] = {
        &&l_push, &&l_pop, &&l_dup, &&l_swap, &&l_over, &&l_add, &&l_sub,
        &&l_mul, &&l_divs, &&l_mods, &&l_and, &&l_or, &&l_xor, &&l_shl,
        &&l_shr, &&l_sar, &&l_neg, &&l_lt, &&l_ltu, &&l_eq, &&l_jmp, &&l_jz,
        &&l_jnz, &&l_call, &&l_ret, &&l_load, &&l_store, &&l_print, &&l_halt,
        &&l_rot,
    };
    int pc = 0;
    cell a, b, c;
#define NEXT do { m->steps++; m->opcount[code[pc]]++; goto *labels[code[pc++]]; } while (0)
    NEXT;
l_push: PUSH1(code[pc++]); NEXT;
l_pop: m->sp--; NEXT;
l_dup: a = POP1(); PUSH1(a); PUSH1(a); NEXT;
l_swap: b = POP1(); a = POP1(); PUSH1(b); PUSH1(a); NEXT;
l_over: b = POP1(); a = POP1(); PUSH1(a); PUSH1(b); PUSH1(a); NEXT;
l_rot: c = POP1(); b = POP1(); a = POP1(); PUSH1(b); PUSH1(c); PUSH1(a); NEXT;
l_add: b = POP1(); a = POP1(); PUSH1(a + b); NEXT;
l_sub: b = POP1(); a = POP1(); PUSH1(a - b); NEXT;
l_mul: b = POP1(); a = POP1(); PUSH1((cell)((uint64_t)a * (uint64_t)b)); NEXT;
l_divs: b = POP1(); a = POP1(); PUSH1(b ? a / b : 0); NEXT;
l_mods: b = POP1(); a = POP1(); PUSH1(b ? a % b : 0); NEXT;
l_and: b = POP1(); a = POP1(); PUSH1(a & b); NEXT;
l_or: b = POP1(); a = POP1(); PUSH1(a | b); NEXT;
l_xor: b = POP1(); a = POP1(); PUSH1(a ^ b); NEXT;
l_shl: b = POP1(); a = POP1(); PUSH1((cell)((uint64_t)a << (b & 63))); NEXT;
l_shr: b = POP1(); a = POP1(); PUSH1((cell)((uint64_t)a >> (b & 63))); NEXT;
l_sar: b = POP1(); a = POP1(); PUSH1(a >> (b & 63)); NEXT;
l_neg: a = POP1(); PUSH1((cell)(0 - (uint64_t)a)); NEXT;
l_lt: b = POP1(); a = POP1(); PUSH1(a < b); NEXT;
l_ltu: b = POP1(); a = POP1(); PUSH1((uint64_t)a < (uint64_t)b); NEXT;
l_eq: b = POP1(); a = POP1(); PUSH1(a == b); NEXT;
l_jmp: pc = (int)code[pc]; NEXT;
l_jz: a = POP1(); pc = a ? pc + 1 : (int)code[pc]; NEXT;
l_jnz: a = POP1(); pc = a ? (int)code[pc] : pc + 1; NEXT;
l_call: m->rstack[m->rsp++] = pc + 1; pc = (int)code[pc]; NEXT;
l_ret: pc = m->rstack[--m->rsp]; NEXT;
l_load: a = POP1(); PUSH1(m->mem[a & 63]); NEXT;
l_store: a = POP1(); b = POP1(); m->mem[a & 63] = b; NEXT;
l_print: vm_print(m, POP1()); NEXT;
l_halt: return m->sp;
#undef NEXT
}

/* fib(0..90) iteratively: mem[0]=a, mem[1]=b, mem[2]=i */
static const cell prog_fib[] = {
    PUSH, 0, PUSH, 0, STORE, PUSH, 1, PUSH, 1, STORE, PUSH, 0, PUSH, 2, STORE,
    /* 15: loop */
    PUSH, 0, LOAD, PRINT,
    PUSH, 0, LOAD, PUSH, 1, LOAD, ADD, /* a+b */
    PUSH, 1, LOAD, PUSH, 0, STORE,     /* a=b */
    PUSH, 1, STORE,                    /* b=a+b */
    PUSH, 2, LOAD, PUSH, 1, ADD, DUP, PUSH, 2, STORE,
    PUSH, 91, LT, JNZ, 15,
    HALT,
};

/* recursive fib(20) via CALL/RET: f(n) = n<2 ? n : f(n-1)+f(n-2) */
static const cell prog_rfib[] = {
    PUSH, 20, CALL, 6, PRINT, HALT,
    /* 6: f */
    DUP, PUSH, 2, LT, JZ, 13, RET,
    /* 13 */
    DUP, PUSH, 1, SUB, CALL, 6, SWAP, PUSH, 2, SUB, CALL, 6, ADD, RET,
};

/* factorials 1..25 (wrapping 64-bit), and their value mod 1000000007 */
static const cell prog_fact[] = {
    PUSH, 1, PUSH, 0, STORE, PUSH, 1, PUSH, 1, STORE,
    /* 10: loop: mem0 *= mem1; print mem0; print mem0 mod p; mem1++ */
    PUSH, 0, LOAD, PUSH, 1, LOAD, MUL, DUP, PUSH, 0, STORE, DUP, PRINT,
    PUSH, 1000000007, MODS, PRINT,
    PUSH, 1, LOAD, PUSH, 1, ADD, DUP, PUSH, 1, STORE, PUSH, 26, LT, JNZ, 10,
    HALT,
};

/* gcd of pairs via Euclid, with signed division and remainders */
static const cell prog_gcd[] = {
    PUSH, 1071, PUSH, 462, CALL, 20,
    PUSH, 0x7FFFFFFFFFFFFFFFLL, PUSH, 0x3FFFFFFFFFFFFFFFLL, CALL, 20,
    PUSH, 2147483647, PUSH, 65537, CALL, 20, HALT, 0,
    /* 20: gcd(a,b): while b: (a,b)=(b,a%b) */
    DUP, JZ, 30, SWAP, OVER, MODS, JMP, 20, 0, 0,
    /* 30 */
    POP, PRINT, RET,
};

/* count primes below 3000 by trial division; print count and last */
static cell primes_code[128];

static void build_primes(void)
{
    /* Layout with explicit fix-ups (easier than counting by hand). */
    int n = 0, l_outer, l_inner, l_prime, l_next, j_prime, j_comp, k;
#define E(x) (primes_code[n++] = (x))
    E(PUSH); E(0); E(PUSH); E(0); E(STORE);
    E(PUSH); E(2); E(PUSH); E(1); E(STORE);
    l_outer = n;
    E(PUSH); E(2); E(PUSH); E(2); E(STORE);
    l_inner = n;
    E(PUSH); E(1); E(LOAD); E(PUSH); E(2); E(LOAD); E(DUP); E(MUL); E(LT);
    E(JNZ); j_prime = n; E(0);
    E(PUSH); E(1); E(LOAD); E(PUSH); E(2); E(LOAD); E(MODS);
    E(JZ); j_comp = n; E(0);
    E(PUSH); E(2); E(LOAD); E(PUSH); E(1); E(ADD); E(PUSH); E(2); E(STORE);
    E(JMP); E(l_inner);
    l_prime = n;
    E(PUSH); E(0); E(LOAD); E(PUSH); E(1); E(ADD); E(PUSH); E(0); E(STORE);
    E(PUSH); E(1); E(LOAD); E(PUSH); E(3); E(STORE);
    l_next = n;
    E(PUSH); E(1); E(LOAD); E(PUSH); E(1); E(ADD); E(DUP); E(PUSH); E(1);
    E(STORE); E(PUSH); E(3000); E(LT); E(JNZ); E(l_outer);
    E(PUSH); E(0); E(LOAD); E(PRINT); E(PUSH); E(3); E(LOAD); E(PRINT);
    E(HALT);
#undef E
    primes_code[j_prime] = l_prime;
    primes_code[j_comp] = l_next;
    for (k = n; k < 128; k++)
        primes_code[k] = HALT;
}

/* bit tricks: shifts, sar of negatives, unsigned compare, xor/or/and */
static const cell prog_bits[] = {
    PUSH, -1, PUSH, 1, SHR, PRINT,
    PUSH, -256, PUSH, 4, SAR, PRINT,
    PUSH, 1, PUSH, 63, SHL, PRINT,
    PUSH, -1, PUSH, 1, LTU, PRINT,
    PUSH, -1, PUSH, 1, LT, PRINT,
    PUSH, 0x0F0F0F0F0F0F0F0FLL, PUSH, 0x00FF00FF00FF00FFLL, XOR,
    PUSH, 0x1111111111111111LL, OR, PUSH, 0x7777777777777777LL, AND, PRINT,
    PUSH, -7, PUSH, 2, DIVS, PRINT, PUSH, -7, PUSH, 2, MODS, PRINT,
    PUSH, 5, NEG, PUSH, 3, PUSH, 9, ROT, PRINT, PRINT, PRINT,
    HALT,
};

static struct vm vms[2];

static void run(const char *name, const cell *code)
{
    int k, r[2];
    for (k = 0; k < 2; k++) {
        struct vm *m = &vms[k];
        t_memset(m, 0, sizeof(*m));
        m->out_hash = T_FNV_INIT;
        t_printf("  %s %s:\n", name, k ? "threaded" : "switch");
        r[k] = k ? run_threaded(m, code) : run_switch(m, code);
    }
    t_printf("%s: sp=%d/%d steps=%lu/%lu nout=%d hash=%016llx/%016llx same=%d\n",
             name, r[0], r[1], vms[0].steps, vms[1].steps, vms[0].nout,
             vms[0].out_hash, vms[1].out_hash,
             t_memcmp(vms[0].opcount, vms[1].opcount, sizeof(vms[0].opcount)) == 0);
    for (k = 0; k < NOPS; k++)
        if (vms[0].opcount[k])
            t_printf(" %s=%lu", names[k], vms[0].opcount[k]);
    t_printf("\n");
}

void test_main(void)
{
    build_primes();
    run("fib", prog_fib);
    run("rfib", prog_rfib);
    run("fact", prog_fact);
    run("gcd", prog_gcd);
    run("primes", primes_code);
    run("bits", prog_bits);
}
