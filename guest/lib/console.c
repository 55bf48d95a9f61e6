/*
 * console.c - polled console on channel A of the SCN2681 DUART in the
 * c7200 I/O FPGA (c7200.md §9).  Each register is a 32-bit word whose low
 * byte holds the 8-bit DUART value.  Characters are sent as they are: no
 * "\n" -> "\r\n" translation.
 */
#include "c7200.h"
#include "rt.h"

void console_putc(int c)
{
    while ((IOFPGA_REG(DUART_SRA) & DUART_SR_TXRDY) == 0)
        ;
    IOFPGA_REG(DUART_THRA) = (unsigned char)c;
}

int console_trygetc(void)
{
    if ((IOFPGA_REG(DUART_SRA) & DUART_SR_RXRDY) == 0)
        return -1;
    return (int)(IOFPGA_REG(DUART_RHRA) & 0xFF);
}

int console_getc(void)
{
    int c;

    while ((c = console_trygetc()) < 0)
        ;
    return c;
}

void console_write(const char *s)
{
    while (*s != '\0')
        console_putc(*s++);
}

int putchar(int c)
{
    console_putc(c);
    return (unsigned char)c;
}

int getchar(void)
{
    return console_getc();
}

int puts(const char *s)
{
    console_write(s);
    console_putc('\n');
    return 0;
}
