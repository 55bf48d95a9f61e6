/*
 * What the card layers of the machines share: the c7200 port adapters
 * (machine/c7200/c7200_pa.c) and the network modules, on-board interfaces
 * and WICs of the 3600 family and the GT-96100 routers
 * (machine/ciscomid/mid_nm.c). A catalogue card lists its chip functions
 * (struct card_func); an inserted card holds one chip per function
 * (dev/card_chip.h) and one NIO binding per port; a timer on the event
 * loop scans every chip's TX rings.
 *
 * Threads: bindings and `show hardware` on the thread that owns the VM,
 * under the card layer's configuration lock (never a lock that a NIO
 * receive handler takes: set_nio waits for the event loop); the transmit
 * timer's poll on the event loop.
 */
#ifndef MACHINE_CARD_CARD_LAYER_H
#define MACHINE_CARD_CARD_LAYER_H

#include <stdint.h>
#include <stdio.h>

#include "dev/card_chip.h"

struct evloop;
struct nio;
struct vm;

/* One chip function of a catalogue card and the ports it serves. */
struct card_func {
    uint8_t kind;       /* the machine's chip kind (its chip_ops_of) */
    int8_t dev;         /* PCI device number, as the machine places it */
    uint8_t irq_port;   /* the machine's interrupt status bit or line */
    uint8_t first_port; /* binding port numbers served */
    uint8_t nports;
};

/* A machine's chip kinds (struct card_func.kind) to their models, NULL
 * for chips not emulated. */
typedef const struct card_chip_ops *card_chip_ops_of_fn(unsigned kind);

/* 1 when each of a card's n functions has a chip model, else 0. */
int card_funcs_emulated(const struct card_func *f, unsigned n,
                        card_chip_ops_of_fn *ops_of);

/* Index of the function serving port (*channel: the port's channel on
 * that chip), or -1. */
int card_func_of_port(const struct card_func *f, unsigned nfuncs,
                      unsigned port, unsigned *channel);

/*
 * Channel of chip to nio; on success the binding in *slot holds a
 * reference to it. Returns 0 or the error of set_nio (-EBUSY: the NIO
 * already feeds another consumer).
 */
int card_port_bind(const struct card_chip_ops *ops, void *chip,
                   unsigned channel, struct nio **slot, struct nio *nio);
/* Detach the channel and drop the binding in *slot (not NULL). */
void card_port_unbind(const struct card_chip_ops *ops, void *chip,
                      unsigned channel, struct nio **slot);
/* Why binding a NIO to a port failed, for the log: rc -ENODEV (no card
 * there: `empty`), -EINVAL (no such port), -EBUSY (the port or the NIO
 * in use), else strerror. */
const char *card_bind_why(int rc, const char *empty);
/* Drop the n bindings of a card that goes (its chips detach their NIOs
 * when destroyed). */
void card_ports_release(struct nio **nio, unsigned n);

/* `show hardware`: the k-th chip of a card's header line ("; DEC21140",
 * ", TI1570"), and a port's line with its binding and counters (ops NULL:
 * no chip serves it). */
void card_show_chip(FILE *out, unsigned k, const struct card_chip_ops *ops);
void card_show_port(FILE *out, unsigned port, const char *ifname,
                    struct nio *nio, const struct card_chip_ops *ops,
                    void *chip, unsigned channel);

/* A router whose devices are in use: cards change under a paused CPU and
 * with online insertion and removal signalling. */
int card_vm_live(struct vm *vm);

/*
 * Transmit timer: poll(arg, &tx_on) on the event loop every 1 ms while it
 * sends frames, backing off to 10 ms when idle (the Mueslix has no
 * doorbell; other chips catch what their doorbell missed). poll sets
 * *tx_on when a chip has its transmitter on (card_chip_tx_on); while none
 * has and nothing was sent, the timer sleeps until card_tx_timer_kick(),
 * the chips' struct tx_kick (device.h), which scans at once. start and
 * stop run from any thread but the loop's (timer ids live on the loop
 * side); stop is for good. A card layer without event loop (ev NULL) has
 * no timer.
 */
struct card_tx_timer {
    struct evloop *ev;
    int (*poll)(void *arg, int *tx_on);
    void *arg;
    long id;
    unsigned ms;
    int stopping;
    int armed; /* a scan is due or queued (atomic; 0: asleep) */
};

void card_tx_timer_start(struct card_tx_timer *t, struct evloop *ev,
                         int (*poll)(void *arg, int *tx_on), void *arg);
/* Any thread: a transmitter turned on (arg: the struct card_tx_timer). */
void card_tx_timer_kick(void *arg);
void card_tx_timer_stop(struct card_tx_timer *t);
/* Any thread: a scan is due or queued (0: asleep, or no event loop). */
int card_tx_timer_armed(const struct card_tx_timer *t);

#endif
