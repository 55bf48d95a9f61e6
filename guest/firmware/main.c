/*
 * main.c - boot sequence and the main loop of the OpenDynamips router
 * firmware (c7200, 3600 family, 2691, 3725, 3745: plat.c).
 *
 * Entered by the ROM monitor like IOS (c7200.md §16.4): BEV = 1, the ROM's
 * timer running, a0 = 2. Boot: own exception vectors and EMT forwarding,
 * ROM information, NPE and chassis from their EEPROMs, the Count/Compare
 * tick at the NPE's clock, console interrupts, cards and PCI, the
 * startup-config from NVRAM (unless configuration register bit 6 says to
 * ignore it), then "Press RETURN to get started!" and the CLI.
 */
#include "fw.h"

#include "ip.h"
#include "net.h"
#include "serial.h"

static uint32_t last_second;

/* Background work, from every wait loop. */
void fw_poll(void)
{
    if (sys_work & WORK_NET)
        net_poll();
    uint32_t now = sys_ticks();
    if (now - last_second >= 1000 / TICK_MS) {
        last_second = now;
        ip_periodic();
        serial_periodic();
        for (struct iface *i = ifaces; i; i = i->next)
            if (i->nic)
                iface_update_line(i, 0);
    }
    sys_wake_at(last_second + 1000 / TICK_MS); /* an idle sleep ends here */
}

static void load_startup_config(void)
{
    char err[96];
    char *text;

    if (sysinfo.confreg & 0x40)
        return; /* configuration register: ignore NVRAM contents */
    int len = nvram_read_startup(&text, err, sizeof(err));
    if (len < 0) {
        tty_printf("%% Cannot read startup-config: %s\n", err);
        return;
    }
    if (err[0] && len > 0)
        tty_printf("%% Warning: startup-config: %s\n", err);
    if (len > 0)
        cli_load_config(text, (size_t)len);
}

int main(void)
{
    sys_init();
    hw_identify_npe();
    sys_timer_start(hw.cpu_mhz * 1000000u);
    tty_init();
    sys_irq_enable();

    tty_putc('\n');
    show_banner();
    config_init();
    hw_discover();
    show_hardware(1);
    cli_init();
    load_startup_config();
    cfg.modified = 0;

    tty_write("\n\nPress RETURN to get started!\n\n\n");
    /* Interfaces that came up with the configuration, as IOS logs them. */
    for (struct iface *i = ifaces; i; i = i->next) {
        int up = i->line_up;
        i->line_up = 0;
        i->link_up = 0;
        if (!i->shutdown)
            iface_update_line(i, 0);
        i->line_up = up || i->line_up;
    }
    cli_console_banner_wait();
    cli_run();
}
