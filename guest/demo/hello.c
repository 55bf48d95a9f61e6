/*
 * hello.c - the demo image: prints a banner and a few facts about the
 * virtual router it runs on, then stops the VM.
 */
#include "c7200.h"
#include "cp0.h"
#include "entry_state.h"
#include "rt.h"

int main(void)
{
    const struct entry_state *e = &rt_entry_state;

    puts("");
    puts("==================================================");
    puts("  Hello from OpenDynamips!");
    puts("  A bare-metal program on an emulated Cisco 7200");
    puts("==================================================");
    printf("CPU PRId        : 0x%08x\n", e->prid);
    printf("Status at entry : 0x%08x\n", e->status);
    printf("Entry point     : 0x%08x\n", REMOTE_REG(REMOTE_ENTRY));
    printf("DRAM            : %u MB\n", REMOTE_REG(REMOTE_DRAM_MB));
    printf("NVRAM           : %u KB\n", REMOTE_REG(REMOTE_NVRAM_KB));
    printf("Config register : 0x%04x\n", REMOTE_REG(REMOTE_CONFREG));
    puts("Goodbye.");
    return 0;
}
