/*
 * cp0_regs: identity and write behaviour of CP0 registers on the default
 * c7200 NPE-400 (RM7000).
 *
 * c7200.md §2.2 (platform values: PRId 0x00002721, Config 0x00C08FF0,
 * r7 = 0x20000000, 64 TLB entries) and §16.4 (state at image entry:
 * Status 0x00408101 = BEV | IM7 | IM0 | IE, EXL = ERL = 0); R4000 User's
 * Manual ch. 4/6 for the register fields:
 *  - PRId is read-only; BadVAddr is read-only;
 *  - EntryHi: VPN2 31:13, ASID 7:0, bits 12:8 read 0;
 *  - PageMask: only bits 24:13 are kept;
 *  - EntryLo0/1: PFN 29:6, C 5:3, D, V, G (bits 31:30 read 0);
 *  - Wired / Index: the index field (6 bits for 64 entries);
 *  - Context: PTEBase (31:23) writable, BadVPN2 (22:4) read-only;
 *  - EPC, ErrorEPC: read/write;
 *  - Status round trip for the bits the tests rely on.
 */
#include "hw.h"
#include "entry_state.h"

void test_main(void)
{
    uint32_t v, old;

    /* entry state, recorded by crt0 before anything changed it */
    t_printf("entry status=%08x prid=%08x config=%08x\n",
             rt_entry_state.status, rt_entry_state.prid,
             rt_entry_state.config);
    t_printf("entry cause without ip7=%08x\n",
             rt_entry_state.cause & ~(uint32_t)CAUSE_IP(7));
    hw_init();
    t_printf("prid=%08x config=%08x r7=%08x\n", mfc0(CP0_PRID),
             mfc0(CP0_CONFIG), mfc0(CP0_INFO));
    mtc0(CP0_PRID, 0);
    t_printf("prid after write=%08x\n", mfc0(CP0_PRID));

    old = mfc0(CP0_BADVADDR);
    mtc0(CP0_BADVADDR, old ^ 0x12345678);
    t_printf("badvaddr read-only: %u\n", mfc0(CP0_BADVADDR) == old);

    mtc0(CP0_ENTRYHI, 0xFFFFFFFF);
    t_printf("entryhi ones=%08x\n", mfc0(CP0_ENTRYHI));
    mtc0(CP0_ENTRYHI, 0x12345FAB);
    t_printf("entryhi 12345fab=%08x\n", mfc0(CP0_ENTRYHI));
    mtc0(CP0_ENTRYHI, 0);

    mtc0(CP0_PAGEMASK, 0xFFFFFFFF);
    t_printf("pagemask ones=%08x\n", mfc0(CP0_PAGEMASK));
    mtc0(CP0_PAGEMASK, 0);

    mtc0(CP0_ENTRYLO0, 0xFFFFFFFF);
    mtc0(CP0_ENTRYLO1, 0x0000ABFF);
    t_printf("entrylo0 ones=%08x entrylo1 abff=%08x\n", mfc0(CP0_ENTRYLO0),
             mfc0(CP0_ENTRYLO1));

    mtc0(CP0_WIRED, 17);
    t_printf("wired=%u\n", mfc0(CP0_WIRED));
    mtc0(CP0_WIRED, 0);
    mtc0(CP0_INDEX, 63);
    t_printf("index=%u\n", mfc0(CP0_INDEX) & 0x7FFFFFFF);
    mtc0(CP0_INDEX, 0x25);
    t_printf("index=%u\n", mfc0(CP0_INDEX) & 0x7FFFFFFF);

    mtc0(CP0_CONTEXT, 0xFFFFFFFF);
    v = mfc0(CP0_CONTEXT);
    mtc0(CP0_CONTEXT, 0);
    t_printf("context ptebase=%03x low-nibble=%x badvpn2 unchanged=%u\n",
             v >> 23, v & 0xF, ((v ^ mfc0(CP0_CONTEXT)) & 0x7FFFF0) == 0);

    dmtc0(CP0_EPC, 0xFFFFFFFF80012344ULL);
    dmtc0(CP0_ERROREPC, 0xFFFFFFFFBFC00400ULL);
    t_printf("epc=%llx errorepc=%llx\n", (unsigned long long)dmfc0(CP0_EPC),
             (unsigned long long)dmfc0(CP0_ERROREPC));

    old = cp0_status();
    cp0_set_status((old & ~(uint32_t)ST_IM_MASK) | ST_IM(3) | ST_IM(6));
    t_printf("status im=%02x bev=%u cu0-3=%x\n",
             (cp0_status() >> 8) & 0xFF, (cp0_status() & ST_BEV) ? 1 : 0,
             cp0_status() >> 28);
    cp0_set_status(old);
}
