/*
 * bev1_rom: exceptions while Status.BEV = 1 go to the boot ROM vectors.
 *
 * R4000 User's Manual ch. 5 (BEV = 1: general vector 0xBFC00380) and
 * c7200.md §17.1-17.2: the image starts with BEV = 1 (§16.4), so a SYSCALL
 * reaches the ROM monitor, which services it as an EMT call (service in
 * a0, result sign-extended in v0, execution continues after the syscall).
 * Checked with side-effect-free services: 7 (platform id 0x19), 4 (DRAM
 * size, 64 MB as the runner starts the VM with -r 64), 2 (0xC00), and an
 * unknown number (-1). This test does not install RAM vectors.
 */
#include "hw.h"

static rv emt(rv n)
{
    register rv a0 __asm__("$4") = n;
    register rv v0 __asm__("$2");
    __asm__ volatile("syscall"
                     : "=r"(v0), "+r"(a0)
                     :
                     : "$1", "$3", "$5", "$6", "$7", "$8", "$9", "$10",
                       "$11", "$12", "$13", "$14", "$15", "$24", "$25",
                       "$31", "hi", "lo", "memory");
    return v0;
}

void test_main(void)
{
    uint32_t sr = cp0_status();
    t_printf("bev=%u\n", (sr & ST_BEV) ? 1 : 0);
    cp0_set_status(sr & ~(uint32_t)ST_IE); /* no timer ticks meanwhile */
    t_printf("emt 7 (platform)=%llx\n", px(emt(7)));
    t_printf("emt 4 (dram)=%llx\n", px(emt(4)));
    t_printf("emt 2=%llx\n", px(emt(2)));
    t_printf("emt 0x85 (unknown)=%llx\n", px(emt(0x85)));
    cp0_set_status(sr);
}
