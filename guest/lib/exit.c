/*
 * exit.c - ends a guest program by stopping the virtual router through the
 * emulator's remote-control device (c7200.md §17.5, register 0x034).
 */
#include "c7200.h"
#include "rt.h"

void exit(int code)
{
    (void)code; /* the stop register carries no status */
    REMOTE_REG(REMOTE_STOP) = 1;
    for (;;)
        ;
}
