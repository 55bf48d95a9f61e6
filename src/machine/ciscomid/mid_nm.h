/*
 * Network modules, on-board interfaces and WICs of the 3600 family and
 * the GT-96100 routers (shared spec c3600-c2691-c37xx.md §5; devices.md
 * §2.2, §2.3): the card catalogue and the cards of one router.
 *
 * A card is its identification EEPROM in the slot's socket (§5.2, read by
 * the I/O FPGA), its chips placed on the PCI bus where the platform says
 * (mid_platform.nm_place: bus, device, interrupt port), one network
 * interrupt line per (slot, port) in the I/O FPGA (§2.6), and a NIO per
 * port. Ports are numbered as IOS numbers the interfaces (Ethernet<slot>/
 * <port>, FastEthernet..., Serial...); a WIC's ports are 16 * (w + 1) + p
 * of slot 0 (§4.9, hypervisor.md §5.2.5).
 *
 * Catalogue (card: chips, ports; families):
 *   NM-1E        Am79C970A (10BASE-T identity)       1 Ethernet      3600
 *   NM-4E        4 x Am79C970A                       4 Ethernet      3600
 *   NM-1FE-TX    Am79C971 (100BASE-TX)               1 FastEthernet  both
 *   NM-4T        Mueslix, chip mode 0                4 Serial        both
 *   Leopard-2FE  2 x Am79C971, 3660 slot 0 only      2 FastEthernet  3600
 *   GT96100-FE   the GT-96100's two Ethernet ports,  2 FastEthernet  GT
 *                slot 0 only, owns the WIC sub-slots
 *   WIC-1T/2T    GT-96100 MPSC channels (§4.9)       1/2 Serial      GT
 *   WIC-1ENET    the MPSC channel of the WIC's port  1 Ethernet      GT
 *                0, carrying Ethernet frames; MAC in
 *                its EEPROM (field 0xCF, as the
 *                reference's 1700 fills it)
 *   NM-16ESW     BCM5605 L2 switch (devices.md §3.12) 16 FastEthernet both
 *   NM-NAM, NM-CIDS: known (EEPROM images) but their chips are not
 *   emulated here: inserting them fails with -ENOTSUP.
 *
 * Transmit: chips send on their doorbells; a timer on the event loop scans
 * every TX ring as well (1 ms while frames flow, backing off to 10 ms).
 *
 * Online insertion and removal (§3.7, §4.7): on a running 3660 or 3745,
 * insert/remove in slots 1.. pause the CPU while the devices change and
 * signal the platform's OIR event. Other slots (and other chassis) do not
 * change while the router runs.
 *
 * Threads: VM-level calls from the VM owner's thread, never the CPU's;
 * NIO receive on the event loop, guest register accesses on the CPU.
 */
#ifndef MACHINE_CISCOMID_MID_NM_H
#define MACHINE_CISCOMID_MID_NM_H

#include <stdio.h>

struct mid;
struct nio;
struct vm;
struct mid_nm;

#define MID_NM_MAX_PORTS 16
#define MID_WIC_PORT_BASE 16 /* port of WIC w, port p: 16 * (w + 1) + p */

/* ------------------------------------------------------------ catalogue */

/*
 * Whether card may go into slot / sub-slot (0 = the module itself, 1..3 =
 * WIC 0..2) of a platform family (enum mid_family) on a chassis with
 * nslots slot entries: 0, -ENOENT (no such card), -EINVAL (wrong place or
 * family), -ENOTSUP (known, not emulated).
 */
int mid_nm_card_check(unsigned family, unsigned nslots, unsigned slot,
                      unsigned subslot, const char *card);
int mid_nm_card_ports(const char *card);
const char *mid_nm_card_at(unsigned i);

/* --------------------------------------------------- the cards of a VM */

int mid_nm_create(struct mid *m, struct mid_nm **out);
void mid_nm_destroy(struct mid_nm *s);
void mid_nm_reset(struct mid_nm *s);

/* No OIR signalling (router not running). Insert replaces the built-in
 * slot-0 card only by itself (asking for it again is a no-op). */
int mid_nm_set_insert(struct mid_nm *s, unsigned slot, unsigned subslot,
                      const char *card, int builtin);
int mid_nm_set_remove(struct mid_nm *s, unsigned slot, unsigned subslot);
int mid_nm_set_bind(struct mid_nm *s, unsigned slot, unsigned port,
                    struct nio *nio);
int mid_nm_set_unbind(struct mid_nm *s, unsigned slot, unsigned port);
const char *mid_nm_set_card(struct mid_nm *s, unsigned slot,
                            unsigned subslot);
struct nio *mid_nm_set_nio(struct mid_nm *s, unsigned slot, unsigned port);
int mid_nm_tx_poll(struct mid_nm *s);
void mid_nm_show(struct mid_nm *s, FILE *out);

/* ------------------------------------------- VM-level API (callers) */
/* For the command line and the hypervisor; -ENODEV if vm is not one of
 * these platforms. Reasons for failures are logged on the VM's log. */
int mid_nm_insert(struct vm *vm, unsigned slot, unsigned subslot,
                  const char *card);
int mid_nm_remove(struct vm *vm, unsigned slot, unsigned subslot);
int mid_nm_bind_nio(struct vm *vm, unsigned slot, unsigned port,
                    struct nio *nio);
int mid_nm_unbind_nio(struct vm *vm, unsigned slot, unsigned port);
const char *mid_nm_card(struct vm *vm, unsigned slot, unsigned subslot);
struct nio *mid_nm_nio(struct vm *vm, unsigned slot, unsigned port);
void mid_nm_show_hardware(struct vm *vm, FILE *out);

#endif
