/*
 * Cisco 7200 port adapters and I/O cards (shared spec c7200.md §10, §12,
 * §20; devices.md §2.1): the card catalogue and the cards of one router.
 *
 * A card is its identification EEPROM in the bay's EEPROM port (§6), its
 * PCI functions on the bay's bus at the device numbers of §10 (bay 0:
 * the NPE-specific position of §12.2), one interrupt status bit per
 * function in the midplane FPGA (§4.2), the bay's power bits (§8), and a
 * NIO per port. Ports are numbered as IOS numbers the interfaces of the
 * card (FastEthernet<bay>/<port>, Serial<bay>/<port>...).
 *
 * Catalogue (card: chips, ports):
 *   C7200-IO-FE    bay 0  DEC21140                       1 FastEthernet
 *   C7200-IO-2FE   bay 0  2 x Intel 82543                 2 FastEthernet
 *   C7200-IO-GE-E  bay 0  2 x Intel 82543                 GigabitEthernet0/0,
 *                                                         Ethernet0/0
 *   PA-FE-TX       1-6    DEC21140                        1 FastEthernet
 *   PA-2FE-TX      1-6    2 x Intel 82543                 2 FastEthernet
 *   PA-GE          1-6    Intel 82543                     1 GigabitEthernet
 *   PA-4E / PA-8E  1-6    4 / 8 x Am79C970A               4 / 8 Ethernet
 *   PA-4T+         1-6    Mueslix                         4 Serial
 *   PA-8T          1-6    2 x Mueslix                     8 Serial
 *   PA-A1          1-6    TI TNETA1570 + PLX 9060ES       1 ATM
 *   PA-POS-OC3     1-6    3 x PLX 9060 + POS control      1 POS
 *   C7200-JC-PA    bay 0  (EEPROM only)                   no port
 *   PA-4B, PA-MC-8TE1: known (EEPROM, identities) but their chips are not
 *   emulated: inserting them fails with -ENOTSUP.
 *
 * Transmit: the chips send when the guest rings their doorbell; a timer on
 * the event loop scans every TX ring as well (1 ms while frames flow,
 * backing off to 10 ms when idle), which is how the Mueslix (no doorbell)
 * transmits.
 *
 * Online insertion and removal (§20): on a running router, insert/remove of
 * bays 1-6 pause the CPU while the devices change, and signal the OIR event
 * (MP FPGA 0x70, CPU line 6) after an insertion / before a removal. Bay 0
 * cannot change while the router runs.
 *
 * Threads: the VM-level calls come from the thread that owns the VM
 * (command line main thread, hypervisor), never the CPU thread; NIO
 * receive runs on the event loop, guest register accesses on the CPU.
 */
#ifndef MACHINE_C7200_PA_H
#define MACHINE_C7200_PA_H

#include <stdio.h>

struct c7200_eeproms;
struct c7200_mpfpga;
struct c7200_pci;
struct evloop;
struct logger;
struct nio;
struct physmap;
struct vm;
struct c7200_pa;

#define C7200_PA_BAYS 7      /* bays 0-6 on the MIPS NPEs */
#define C7200_PA_MAX_PORTS 8

/* ------------------------------------------------------------ catalogue */

/*
 * Whether card may go into bay: 0, -ENOENT (no such card), -EINVAL (bay
 * out of range, or the card does not fit that bay: I/O cards in bay 0,
 * port adapters in 1-6), -ENOTSUP (known, not emulated).
 */
int c7200_pa_card_check(unsigned bay, const char *card);
/* Ports of a card (0 for an unknown name). */
int c7200_pa_card_ports(const char *card);
/* Catalogue listing: i-th card name (NULL past the end). */
const char *c7200_pa_card_at(unsigned i);

/* --------------------------------------------------- the cards of a VM */

/*
 * What the machine uses (c7200.c): the set lives as long as the machine.
 * ev may be NULL (no transmit timer: tests call c7200_pa_tx_poll()).
 */
struct c7200_pa_config {
    const char *name; /* router name, for logs */
    struct physmap *pm;
    struct logger *lg;
    struct evloop *ev;
    struct c7200_pci *pci;
    struct c7200_eeproms *eeproms;
    struct c7200_mpfpga *mpfpga;
};

int c7200_pa_create(const struct c7200_pa_config *c, struct c7200_pa **out);
/* Removes every card (bindings released) and stops the timer. */
void c7200_pa_destroy(struct c7200_pa *s);
/* Power-on state of every chip (the router's boot). */
void c7200_pa_reset(struct c7200_pa *s);

/*
 * Card in/out of a bay, no OIR signalling (the router is not running).
 * Insert: -EBUSY if the bay holds a card other than the default bay-0
 * card (which is replaced), errors of c7200_pa_card_check, or of the PCI
 * side (-EEXIST: the NPE has no room, e.g. the Intel I/O cards on
 * NPE-100/150/200). The default flag marks the automatic bay-0 card.
 */
int c7200_pa_set_insert(struct c7200_pa *s, unsigned bay, const char *card,
                        int is_default);
int c7200_pa_set_remove(struct c7200_pa *s, unsigned bay);
/*
 * Port to NIO (a reference is held while bound). -ENODEV: empty bay;
 * -EINVAL: no such port on the card; -EBUSY: port already bound, or the
 * NIO already feeds another consumer.
 */
int c7200_pa_set_bind(struct c7200_pa *s, unsigned bay, unsigned port,
                      struct nio *nio);
int c7200_pa_set_unbind(struct c7200_pa *s, unsigned bay, unsigned port);
const char *c7200_pa_set_card(struct c7200_pa *s, unsigned bay);
struct nio *c7200_pa_set_nio(struct c7200_pa *s, unsigned bay,
                             unsigned port);
/* Transmit scan of every chip; returns the frames sent. */
int c7200_pa_tx_poll(struct c7200_pa *s);
/* The periodic transmit scan is running: some chip has its transmitter
 * on, or a scan is due (0: asleep until a transmitter turns on). */
int c7200_pa_tx_scanning(struct c7200_pa *s);
/* `show hardware` text: cards, ports, bindings, counters. */
void c7200_pa_show(struct c7200_pa *s, FILE *out);

/* -------------------------------------------- VM-level API (callers) */
/*
 * For the command line (-p, -s) and the hypervisor (vm slot_add_binding,
 * slot_add_nio_binding, slot_oir_start/stop...). vm must be a created
 * c7200 (vm_create done); -ENODEV otherwise. On a running router,
 * insert/remove of bays 1-6 are online insertion/removal (§20). Reasons
 * for failures are also logged on the router's log.
 */
int c7200_pa_insert(struct vm *vm, unsigned bay, const char *card);
int c7200_pa_remove(struct vm *vm, unsigned bay);
int c7200_pa_bind_nio(struct vm *vm, unsigned bay, unsigned port,
                      struct nio *nio);
int c7200_pa_unbind_nio(struct vm *vm, unsigned bay, unsigned port);
/* Card in a bay, NULL if empty. */
const char *c7200_pa_card(struct vm *vm, unsigned bay);
/* NIO bound to a port, NULL if none. */
struct nio *c7200_pa_nio(struct vm *vm, unsigned bay, unsigned port);
void c7200_pa_show_hardware(struct vm *vm, FILE *out);

/* The running c7200's set (defined in c7200.c), NULL if not a c7200. */
struct c7200_pa *c7200_machine_pa(struct vm *vm);

#endif
