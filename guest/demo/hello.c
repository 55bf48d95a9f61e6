/*
 * hello.c - the demo image: prints a banner and a few facts about the
 * virtual router it runs on, then stops the VM.  It runs on every MIPS
 * platform: the remote-control device says which one, and so which UART
 * is the console (platform.h).
 */
#include "c7200.h"
#include "cp0.h"
#include "entry_state.h"
#include "format.h"
#include "platform.h"
#include "rt.h"

/* ctx: the NS16552 base, or NULL for the c7200 DUART (guest/lib). */
static void hello_put(void *ctx, int c)
{
    if (ctx)
        ns16552_putc((unsigned)(uintptr_t)ctx, c);
    else
        console_putc(c);
}

static void out(void *uart, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vformat(hello_put, uart, fmt, ap);
    va_end(ap);
}

static const char *platform_model(unsigned id)
{
    switch (id) {
    case PLATFORM_C7200: return "7200";
    case PLATFORM_C3620_3640: return "3620/3640";
    case PLATFORM_C3660: return "3660";
    case PLATFORM_C2691: return "2691";
    case PLATFORM_C3725: return "3725";
    case PLATFORM_C3745: return "3745";
    default: return "router";
    }
}

int main(void)
{
    const struct entry_state *e = &rt_entry_state;
    unsigned id = platform_id();
    void *uart = (void *)(uintptr_t)platform_console(id);

    out(uart, "\n");
    out(uart, "==================================================\n");
    out(uart, "  Hello from OpenDynamips!\n");
    out(uart, "  A bare-metal program on an emulated Cisco %s\n",
        platform_model(id));
    out(uart, "==================================================\n");
    out(uart, "CPU PRId        : 0x%08x\n", e->prid);
    out(uart, "Status at entry : 0x%08x\n", e->status);
    out(uart, "Entry point     : 0x%08x\n", REMOTE_REG(REMOTE_ENTRY));
    out(uart, "DRAM            : %u MB\n", REMOTE_REG(REMOTE_DRAM_MB));
    out(uart, "NVRAM           : %u KB\n", REMOTE_REG(REMOTE_NVRAM_KB));
    out(uart, "Config register : 0x%04x\n", REMOTE_REG(REMOTE_CONFREG));
    out(uart, "Goodbye.\n");
    return 0;
}
