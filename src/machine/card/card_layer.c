/*
 * What the card layers share: port lookup, bindings, `show hardware`
 * lines, the transmit timer. See card_layer.h.
 */
#include "machine/card/card_layer.h"

#include <errno.h>
#include <string.h>

#include "core/evloop.h"
#include "core/vm.h"
#include "net/nio.h"

int card_funcs_emulated(const struct card_func *f, unsigned n,
                        card_chip_ops_of_fn *ops_of)
{
    for (unsigned i = 0; i < n; i++) {
        if (!ops_of(f[i].kind)) {
            return 0;
        }
    }
    return 1;
}

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

const char *card_bind_why(int rc, const char *empty)
{
    switch (rc) {
    case -ENODEV: return empty;
    case -EINVAL: return "no such port on the card";
    case -EBUSY: return "port or NIO already in use";
    default: return strerror(-rc);
    }
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

static void tx_timer_fire(void *arg);

static void timer_arm(struct card_tx_timer *t)
{
    long id = evloop_add_timer(t->ev, t->ms, 0, tx_timer_fire, t);
    t->id = id > 0 ? id : 0;
}

/*
 * Loop thread: one scan, then the next one, or none while no transmitter
 * is on. Going to sleep, armed is cleared before a second look, so that a
 * transmitter turned on meanwhile is seen here or by its kick.
 */
static void tx_timer_fire(void *arg)
{
    struct card_tx_timer *t = arg;
    t->id = 0;
    if (t->stopping) {
        return;
    }
    int on = 0;
    int sent = t->poll(t->arg, &on);
    if (!sent && !on) {
        __atomic_store_n(&t->armed, 0, __ATOMIC_SEQ_CST);
        sent = t->poll(t->arg, &on);
        int idle = 0;
        if ((!sent && !on) ||
            !__atomic_compare_exchange_n(&t->armed, &idle, 1, 0,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            return; /* asleep, or a kick's restart is on its way */
        }
    }
    /* quick while frames flow, back off when idle */
    if (sent) {
        t->ms = TX_TIMER_MIN_MS;
    } else if (t->ms < TX_TIMER_MAX_MS) {
        t->ms = t->ms * 2 > TX_TIMER_MAX_MS ? TX_TIMER_MAX_MS : t->ms * 2;
    }
    timer_arm(t);
}

/* Loop thread: a kick found the scan asleep. Scan at once. */
static void timer_restart(void *arg)
{
    struct card_tx_timer *t = arg;
    if (t->stopping || t->id) {
        return;
    }
    t->ms = TX_TIMER_MIN_MS;
    tx_timer_fire(t);
}

static void timer_start(void *arg)
{
    struct card_tx_timer *t = arg;
    t->ms = TX_TIMER_MAX_MS;
    __atomic_store_n(&t->armed, 1, __ATOMIC_SEQ_CST);
    timer_arm(t);
}

static void timer_stop(void *arg)
{
    struct card_tx_timer *t = arg;
    t->stopping = 1;
    __atomic_store_n(&t->armed, 1, __ATOMIC_SEQ_CST); /* kicks: nothing */
    if (t->id) {
        evloop_del_timer(t->ev, t->id);
        t->id = 0;
    }
}

void card_tx_timer_start(struct card_tx_timer *t, struct evloop *ev,
                         int (*poll)(void *arg, int *tx_on), void *arg)
{
    *t = (struct card_tx_timer){.ev = ev, .poll = poll, .arg = arg};
    if (ev) {
        evloop_call_sync(ev, timer_start, t);
    }
}

void card_tx_timer_kick(void *arg)
{
    struct card_tx_timer *t = arg;
    if (!t->ev || __atomic_load_n(&t->armed, __ATOMIC_SEQ_CST) ||
        __atomic_exchange_n(&t->armed, 1, __ATOMIC_SEQ_CST)) {
        return; /* scanning already */
    }
    evloop_call(t->ev, timer_restart, t);
}

int card_tx_timer_armed(const struct card_tx_timer *t)
{
    return t->ev && !t->stopping &&
           __atomic_load_n(&t->armed, __ATOMIC_SEQ_CST);
}

void card_tx_timer_stop(struct card_tx_timer *t)
{
    if (t->ev) {
        evloop_call_sync(t->ev, timer_stop, t);
        evloop_cancel_calls(t->ev, t);
    }
}
