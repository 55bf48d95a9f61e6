/*
 * c7200.h - addresses of the emulated Cisco 7200 that guest programs use.
 *
 * All addresses are KSEG1 (uncached) aliases: the platform's device windows
 * answer only uncached accesses (c7200.md §3.1, "Cached versus uncached").
 * Registers are 32 bits wide and are read/written with lw/sw; 8-bit
 * registers carry their value in the low-order byte (c7200.md §0, §9).
 */
#ifndef GUEST_C7200_H
#define GUEST_C7200_H

#define KSEG0_BASE          0x80000000 /* cached, unmapped (c7200.md §0) */
#define KSEG1_BASE          0xA0000000 /* uncached, unmapped (c7200.md §0) */

/* Physical map, KSEG1 form (c7200.md §3.1). */
#define C7200_GT_BASE       0xB4000000 /* GT-64xxx system controller */
#define C7200_REMOTE_BASE   0xB6000000 /* emulator remote-control device */
#define C7200_NVRAM_BASE    0xBE000000 /* NVRAM, 128 KB by default */
#define C7200_MPFPGA_BASE   0xBE800000 /* midplane FPGA */
#define C7200_IOFPGA_BASE   0xBE840000 /* I/O FPGA */
#define C7200_ROM_BASE      0xBFC00000 /* boot ROM */

/* SCN2681 DUART inside the I/O FPGA: register n at 0x404 + 8n (c7200.md §9). */
#define DUART_REG(n)        (0x404 + 8 * (n))
#define DUART_MRA           DUART_REG(0)  /* 0x404 */
#define DUART_SRA           DUART_REG(1)  /* 0x40C read: status A */
#define DUART_CRA           DUART_REG(2)  /* 0x414 write: command A */
#define DUART_RHRA          DUART_REG(3)  /* 0x41C read: receive holding A */
#define DUART_THRA          DUART_REG(3)  /* 0x41C write: transmit holding A */
#define DUART_ISR           DUART_REG(5)  /* 0x42C read: interrupt status */
#define DUART_IMR           DUART_REG(5)  /* 0x42C write: interrupt mask */
#define DUART_SRB           DUART_REG(9)  /* 0x44C read: status B (AUX) */
#define DUART_RHRB          DUART_REG(11) /* 0x45C read: receive holding B */
#define DUART_THRB          DUART_REG(11) /* 0x45C write: transmit holding B */

#define DUART_SR_RXRDY      0x01 /* c7200.md §9: SRA bit 0 */
#define DUART_SR_TXRDY      0x04 /* c7200.md §9: SRA bit 2 */

/* Emulator remote-control device registers (c7200.md §17.5). */
#define REMOTE_SIGNATURE    0x000 /* R: 0x1E94B3DF */
#define REMOTE_CPU_ID       0x004 /* R: CPU number */
#define REMOTE_DRAM_MB      0x014 /* R: DRAM size in MB */
#define REMOTE_ROM_MB       0x018 /* R: ROM size in MB */
#define REMOTE_NVRAM_KB     0x01C /* R: NVRAM size in KB */
#define REMOTE_IOMEM_MB     0x020 /* R: I/O memory size in MB */
#define REMOTE_CONFREG      0x024 /* R: configuration register */
#define REMOTE_ENTRY        0x028 /* R: ELF entry point */
#define REMOTE_PLATFORM_ID  0x02C /* R: platform id (0x19) */
#define REMOTE_RESTART      0x030 /* R: restart request (always 0) */
#define REMOTE_STOP         0x034 /* W: stop the virtual router */
#define REMOTE_LOG_PADDR    0x038 /* W: log NUL-terminated string at phys addr */
#define REMOTE_LOG_CHAR     0x03C /* W: append a character to the log */
#define REMOTE_CONSOLE_CHAR 0x040 /* W: console output character */
#define REMOTE_NVRAM_ADDR   0x044 /* R: NVRAM address (KSEG1 form) */
#define REMOTE_NM_IOMEM     0x048 /* R: "NM I/O memory" size (0 on c7200) */
#define REMOTE_COOKIE_POS   0x04C /* R/W: chassis cookie index 0..63 */
#define REMOTE_COOKIE_DATA  0x050 /* R: chassis cookie half-word */
#define REMOTE_VAR_CHAR     0x054 /* R/W: ROM-variable character port */
#define REMOTE_VAR_CMD      0x058 /* R/W: ROM-variable command / status */

#define REMOTE_SIGNATURE_VALUE 0x1E94B3DF /* c7200.md §16.3 step 3 */
#define REMOTE_VAR_CMD_SET     1          /* c7200.md §17.5, 0x058 */
#define REMOTE_VAR_CMD_GET     2
#define REMOTE_VAR_CMD_RESET   3

/* ROM monitor data in DRAM (c7200.md §3.4, §16.3 steps 4 and 7). */
#define ROMDATA_SAVED_SP    0xA0002000
#define ROMDATA_SAVED_RA    0xA0002008
#define ROMDATA_NV_STRING_B 0xA0002010 /* -> NVRAM + 0x200 ("BOOTLDR") */
#define ROMDATA_NV_STRING_A 0xA0002014 /* -> NVRAM + 0x80 ("IOS") */
#define ROMDATA_NV_AREA_780 0xA0002018 /* -> NVRAM + 0x780 */

/* 32-bit register access helpers. */
#define MMIO32(addr)        (*(volatile unsigned int *)(addr))
#define IOFPGA_REG(off)     MMIO32(C7200_IOFPGA_BASE + (off))
#define REMOTE_REG(off)     MMIO32(C7200_REMOTE_BASE + (off))

#endif /* GUEST_C7200_H */
