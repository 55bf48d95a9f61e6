/*
 * libFuzzer target: the input is guest code. Its words replace the start
 * of the random program of tests/fuzz/jit_fuzz.c (whose first 8 bytes
 * also seed registers and the rest of memory); the interpreter and the
 * translator then run it side by side and must agree on every register,
 * CP0, the TLB and all of RAM. A difference aborts (a crash for
 * libFuzzer), with the first differing field on stderr.
 */
#define JIT_FUZZ_NO_MAIN
#include "jit_fuzz.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fz_machine a, b;
    static int ready;
    if (!ready) {
        if (fz_machine_init(&a, 0) < 0 || fz_machine_init(&b, 1) < 0)
            abort();
        ready = 1;
    }
    if (size < 8)
        return 0;
    uint64_t seed;
    memcpy(&seed, data, 8);
    fz_program(&a, seed);
    fz_program(&b, seed);
    /* the input's words, in guest byte order, at the entry point */
    size_t n = (size - 8) / 4;
    if (n > FZ_CODE_WORDS)
        n = FZ_CODE_WORDS;
    uint64_t entry = FZ_KSEG0 + FZ_CODE_PA;
    memcpy(a.ram + FZ_CODE_PA, data + 8, 4 * n);
    memcpy(b.ram + FZ_CODE_PA, data + 8, 4 * n);
    a.cpu.pc = b.cpu.pc = entry;
    char buf[256];
    for (int i = 0; i < 8; i++) {
        mips_cpu_step(&a.cpu, 499);
        mips_cpu_step(&b.cpu, 499);
        const char *why = fz_compare(&a, &b, buf, sizeof(buf));
        if (why) {
            fprintf(stderr, "fuzz_jit: interpreter and JIT differ: %s\n", why);
            abort();
        }
        if (a.cpu.stop_request)
            break;
    }
    return 0;
}
