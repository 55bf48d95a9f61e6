/*
 * The I/O FPGA of the Cisco 3600 family (shared spec c3600-c2691-c37xx.md
 * §3.6 for the 3620/3640, §3.7 for the 3660): a 256 KB window (physical
 * 0x1E800000) holding the identification-EEPROM bit-bang ports, the
 * network-module presence bits, the network interrupt status registers,
 * the chassis type and environment registers and, on the 3660, online
 * insertion and removal.
 *
 * Interrupt outputs, wired by the machine (§3.3):
 *   net_irq   CPU line 2, while any network interrupt status bit is set
 *   mgmt_irq  CPU line 3, never raised; the NM-management status read
 *             lowers it
 *   ext_irq   CPU line 6, raised by an OIR event (3660), lowered by the
 *             external-status read
 *
 * Network interrupts: the card layer reports each (slot, port) line with
 * c3600_iofpga_set_net_irq(); the FPGA latches it in the chassis's status
 * layout (§3.6, §3.7) and drives net_irq.
 *
 * EEPROMs (§6): one nmc93cx6 group for the mainboard (3620/3640) or the
 * backplane (3660), and one group per NM slot, each with the chip wired
 * as §6.1 says. A slot whose group holds an image counts as occupied in
 * the presence registers. The 3620/3640 NM register selects the slot with
 * bits 0-1 of each write before the write is processed.
 *
 * Unknown offsets read 0 and ignore writes (§10 item 12). Registers answer
 * at their offset for any access width (conventions).
 *
 * Threads: register accesses from the CPU thread; set_net_irq and
 * oir_event from any thread (a NIC's receive path, the VM owner); state
 * behind one mutex.
 */
#ifndef DEV_C3600_IOFPGA_H
#define DEV_C3600_IOFPGA_H

#include <stdint.h>

#include "dev/device.h"

struct logger;
struct nmc93cx6_group;
struct c3600_iofpga;

#define C3600_IOFPGA_SIZE 0x40000u /* 256 KB, §3.2 */
#define C3600_IOFPGA_SLOTS 7       /* slots 0-6 (3660); 0-3 elsewhere */
#define C3600_IOFPGA_PORTS 4       /* interrupt lines per slot, §3.3 */

enum c3600_chassis {
    C3600_CHASSIS_3620,
    C3600_CHASSIS_3640,
    C3600_CHASSIS_3660,
};

struct c3600_iofpga_config {
    enum c3600_chassis chassis;
    struct logger *lg;
    struct irq_line net_irq;
    struct irq_line mgmt_irq;
    struct irq_line ext_irq;
    /* Mainboard (3620/3640) or backplane (3660) EEPROM: CS 0, SK 1,
     * DI 2, DO 3. Required. */
    struct nmc93cx6_group *chassis_eeprom;
    /* NM slot EEPROMs (CS 4, SK 2, DI 6, DO 7); NULL = no socket. */
    struct nmc93cx6_group *nm_eeprom[C3600_IOFPGA_SLOTS];
};

/* 0, -EINVAL or -ENOMEM. */
int c3600_iofpga_create(const struct c3600_iofpga_config *c,
                        struct c3600_iofpga **out);
void c3600_iofpga_destroy(struct c3600_iofpga *f);
struct device *c3600_iofpga_device(struct c3600_iofpga *f);

/* Network interrupt line of (slot, port) high or low (§3.6, §3.7). */
void c3600_iofpga_set_net_irq(struct c3600_iofpga *f, unsigned slot,
                              unsigned port, int level);
/* A card went in or out of slot 1-6 of a 3660 (§3.7 OIR); no effect on
 * the other chassis, whose registers read 0 (§3.7 last paragraph). */
void c3600_iofpga_oir_event(struct c3600_iofpga *f, unsigned slot);

/* Status words for tests and dumps: index 0 = the 3620/3640 word or the
 * 3660 slots 1-6 word (0x10010), 1 = the 3660 slot-0 word (0x20010). */
uint32_t c3600_iofpga_net_status(struct c3600_iofpga *f, unsigned index);

#endif
