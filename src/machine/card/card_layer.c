/*
 * What the card layers share: port lookup, bindings, `show hardware`
 * lines, the transmit timer. See card_layer.h.
 */
#include "machine/card/card_layer.h"

#include "core/evloop.h"
#include "core/vm.h"
#include "net/nio.h"

int card_func_of_port(const struct card_func *f, unsigned nfuncs,
                      unsigned port, unsigned *channel)
{
    for (unsigned i = 0; i < nfuncs; i++) {
        if (port >= f[i].first_port && port < f[i].first_port + f[i].nports) {
            *channel = port - f[i].first_port;
            return (int)i;
        }
    }
    return -1;
}

int card_port_bind(const struct card_chip_ops *ops, void *chip,
                   unsigned channel, struct nio **slot, struct nio *nio)
{
    int rc = ops->set_nio(chip, channel, nio);
    if (rc == 0) {
        nio_hold(nio);
        *slot = nio;
    }
    return rc;
}

void card_port_unbind(const struct card_chip_ops *ops, void *chip,
                      unsigned channel, struct nio **slot)
{
    ops->set_nio(chip, channel, NULL);
    nio_release(*slot);
    *slot = NULL;
}

void card_ports_release(struct nio **nio, unsigned n)
{
    for (unsigned p = 0; p < n; p++) {
        if (nio[p]) {
            nio_release(nio[p]);
            nio[p] = NULL;
        }
    }
}

void card_show_chip(FILE *out, unsigned k, const struct card_chip_ops *ops)
{
    fprintf(out, "%s%s", k ? ", " : "; ", ops->what);
}

void card_show_port(FILE *out, unsigned port, const char *ifname,
                    struct nio *nio, const struct card_chip_ops *ops,
                    void *chip, unsigned channel)
{
    struct nic_stats st = {0};
    if (ops) {
        card_chip_stats(ops, chip, channel, &st);
    }
    fprintf(out, "    port %u %s: %s%s, in %llu (dropped %llu), out %llu "
            "(dropped %llu)\n", port, ifname, nio ? "NIO " : "",
            nio ? nio_name(nio) : "not connected",
            (unsigned long long)st.rx_frames,
            (unsigned long long)st.rx_dropped,
            (unsigned long long)st.tx_frames,
            (unsigned long long)st.tx_dropped);
}

int card_vm_live(struct vm *vm)
{
    int st = vm_get_status(vm);
    return st == VM_RUNNING || st == VM_SUSPENDED;
}

/* ==================================================== transmit timer */

#define TX_TIMER_MIN_MS 1
#define TX_TIMER_MAX_MS 10

static void tx_timer(void *arg)
{
    struct card_tx_timer *t = arg;
    if (t->stopping) {
        return;
    }
    int sent = t->poll(t->arg);
    /* quick while frames flow, back off when idle */
    if (sent) {
        t->ms = TX_TIMER_MIN_MS;
    } else if (t->ms < TX_TIMER_MAX_MS) {
        t->ms = t->ms * 2 > TX_TIMER_MAX_MS ? TX_TIMER_MAX_MS : t->ms * 2;
    }
    long id = evloop_add_timer(t->ev, t->ms, 0, tx_timer, t);
    t->id = id > 0 ? id : 0;
}

static void timer_start(void *arg)
{
    struct card_tx_timer *t = arg;
    t->ms = TX_TIMER_MAX_MS;
    long id = evloop_add_timer(t->ev, t->ms, 0, tx_timer, t);
    t->id = id > 0 ? id : 0;
}

static void timer_stop(void *arg)
{
    struct card_tx_timer *t = arg;
    t->stopping = 1;
    if (t->id) {
        evloop_del_timer(t->ev, t->id);
        t->id = 0;
    }
}

void card_tx_timer_start(struct card_tx_timer *t, struct evloop *ev,
                         int (*poll)(void *arg), void *arg)
{
    *t = (struct card_tx_timer){.ev = ev, .poll = poll, .arg = arg};
    if (ev) {
        evloop_call_sync(ev, timer_start, t);
    }
}

void card_tx_timer_stop(struct card_tx_timer *t)
{
    if (t->ev) {
        evloop_call_sync(t->ev, timer_stop, t);
        evloop_cancel_calls(t->ev, t);
    }
}
