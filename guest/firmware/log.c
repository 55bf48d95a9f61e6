/*
 * log.c - console log messages, timestamped the way IOS does without a
 * calendar: uptime counted from "Mar  1 00:00:00" and marked with '*'.
 */
#include "fw.h"

static void timestamp(char *buf, size_t n)
{
    static const char *const mon[] = {"Mar", "Apr", "May", "Jun", "Jul",
                                      "Aug", "Sep", "Oct", "Nov", "Dec",
                                      "Jan", "Feb"};
    static const uint8_t mdays[] = {31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
                                    31, 28};
    uint32_t secs, ms;
    sys_uptime(&secs, &ms);
    uint32_t days = secs / 86400;
    int m = 0;
    while (days >= mdays[m]) {
        days -= mdays[m];
        m = (m + 1) % 12;
    }
    snprintf(n ? buf : buf, n, "*%s %2u %02u:%02u:%02u.%03u", mon[m],
             days + 1, secs / 3600 % 24, secs / 60 % 60, secs % 60,
             ms);
}

void fw_log(const char *fmt, ...)
{
    char ts[32];
    va_list ap;

    if (cfg.loading)
        return;
    timestamp(ts, sizeof(ts));
    tty_async_begin();
    tty_printf("%s: ", ts);
    va_start(ap, fmt);
    tty_vprintf(fmt, ap);
    va_end(ap);
    tty_putc('\n');
    tty_async_end();
}
