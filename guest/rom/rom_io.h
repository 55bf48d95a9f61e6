/*
 * rom_io.h - ROM monitor output: the console and the emulator log, both
 * through the remote-control device (c7200.md §17.5: 0x040 console
 * character, 0x03C log character).  The ROM does not use the DUART, which
 * belongs to the image.
 */
#ifndef ROM_IO_H
#define ROM_IO_H

void rom_putc(int c);
void rom_puts(const char *s); /* no newline added */
void rom_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rom_logf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rom_stop(void);          /* ask the emulator to stop the router */

#endif /* ROM_IO_H */
