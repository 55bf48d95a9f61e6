/*
 * Network modules, on-board interfaces and WICs of the 3600 family and
 * the GT-96100 routers: catalogue, insertion/removal, NIO bindings,
 * transmit timer (shared spec c3600-c2691-c37xx.md §5, §4.9; devices.md
 * §2.2, §2.3). See mid_nm.h.
 */
#include "machine/ciscomid/mid_nm.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/vm.h"
#include "dev/pci_bus.h"
#include "dev/wic_serial.h"
#include "machine/card/card_layer.h"
#include "machine/ciscomid/mid.h"
#include "machine/ciscomid/mid_nm_chips.h"
#include "net/nio.h"

#define WIC_BASE 0x3C200000ull /* §4.2: WIC w at + w * 0x2000 */

/* ========================================================== catalogue */

enum card_place {
    PLACE_NM,    /* a network-module bay */
    PLACE_SLOT0, /* slot 0 only: on-board interfaces */
    PLACE_WIC,   /* a WIC sub-slot of slot 0 */
};

/*
 * A card's chips are card_funcs: kind is an enum chip_kind, dev the device
 * number offset on the slot's bus, irq_port the (slot, port) interrupt
 * line of §2.6.
 */

struct nm_card {
    const char *name;
    unsigned families; /* enum mid_family bits */
    uint8_t place;     /* enum card_place */
    uint8_t nports;
    uint8_t nfuncs;
    struct card_func func[4];
    const char *port_type; /* IOS interface type */
    const char *eeprom;    /* image name (mid_eeprom.c), or NULL */
};

#define BOTH (MID_FAM_C3600 | MID_FAM_GT96K)

/* §5.1 support matrix, §5.3 placement, devices.md §2.2-§2.3. */
static const struct nm_card catalogue[] = {
    {"NM-1E", MID_FAM_C3600, PLACE_NM, 1, 1,
     {{CHIP_AM79C970A, 0, 0, 0, 1}}, "Ethernet", "NM-1E"},
    {"NM-4E", MID_FAM_C3600, PLACE_NM, 4, 4,
     {{CHIP_AM79C970A, 0, 0, 0, 1}, {CHIP_AM79C970A, 1, 1, 1, 1},
      {CHIP_AM79C970A, 2, 2, 2, 1}, {CHIP_AM79C970A, 3, 3, 3, 1}},
     "Ethernet", "NM-4E"},
    {"NM-1FE-TX", BOTH, PLACE_NM, 1, 1,
     {{CHIP_AM79C971, 0, 0, 0, 1}}, "FastEthernet", "NM-1FE-TX"},
    {"NM-4T", BOTH, PLACE_NM, 4, 1,
     {{CHIP_MUESLIX, 0, 0, 0, 4}}, "Serial", "NM-4T"},
    {"NM-16ESW", BOTH, PLACE_NM, 16, 1,
     {{CHIP_BCM5605, 0, 0, 0, 16}}, "FastEthernet", "NM-16ESW"},
    {"NM-NAM", MID_FAM_GT96K, PLACE_NM, 1, 1,
     {{CHIP_I8255X, 0, 0, 0, 1}}, "Analysis-Module", "NM-NAM"},
    {"NM-CIDS", MID_FAM_GT96K, PLACE_NM, 1, 1,
     {{CHIP_I8255X, 0, 0, 0, 1}}, "IDS-Sensor", "NM-CIDS"},
    {"Leopard-2FE", MID_FAM_C3600, PLACE_SLOT0, 2, 2,
     {{CHIP_AM79C971, 0, 0, 0, 1}, {CHIP_AM79C971, 1, 1, 1, 1}},
     "FastEthernet", "Leopard-2FE"},
    {"GT96100-FE", MID_FAM_GT96K, PLACE_SLOT0, 2, 1,
     {{CHIP_GT_ETH, 0, 0, 0, 2}}, "FastEthernet", NULL},
    {"WIC-1T", MID_FAM_GT96K, PLACE_WIC, 1, 1,
     {{CHIP_GT_MPSC, 0, 0, 0, 1}}, "Serial", "WIC-1T"},
    {"WIC-2T", MID_FAM_GT96K, PLACE_WIC, 2, 1,
     {{CHIP_GT_MPSC, 0, 0, 0, 2}}, "Serial", "WIC-2T"},
    {"WIC-1ENET", MID_FAM_GT96K, PLACE_WIC, 1, 1,
     {{CHIP_GT_MPSC_ETH, 0, 0, 0, 1}}, "Ethernet", "WIC-1ENET"},
};

#define NCARDS (sizeof(catalogue) / sizeof(catalogue[0]))

static const struct nm_card *card_find(const char *name)
{
    for (size_t i = 0; name && i < NCARDS; i++)
        if (strcmp(catalogue[i].name, name) == 0)
            return &catalogue[i];
    return NULL;
}

static int card_emulated(const struct nm_card *c)
{
    return card_funcs_emulated(c->func, c->nfuncs, chip_ops_of);
}

/* Where a card may go. nm_first: the first NM bay (1 when slot 0 holds
 * on-board interfaces). */
static int card_fits(const struct nm_card *c, unsigned family,
                     unsigned nm_first, unsigned nslots, unsigned slot,
                     unsigned sub)
{
    if (!(c->families & family) || slot >= nslots)
        return 0;
    switch (c->place) {
    case PLACE_SLOT0: return slot == 0 && sub == 0;
    case PLACE_WIC: return slot == 0 && sub >= 1 && sub <= MID_MAX_WICS;
    default: return sub == 0 && slot >= nm_first;
    }
}

int mid_nm_card_check(unsigned family, unsigned nslots, unsigned slot,
                      unsigned subslot, const char *card)
{
    const struct nm_card *c = card_find(card);
    if (!c)
        return -ENOENT;
    /* Without a chassis, slot 0 may hold an NM (3620/3640) or the
     * on-board card (3660, GT-96100 routers). */
    unsigned nm_first = family == MID_FAM_GT96K ? 1 : 0;
    if (!card_fits(c, family, nm_first, nslots, slot, subslot))
        return -EINVAL;
    return card_emulated(c) ? 0 : -ENOTSUP;
}

int mid_nm_card_ports(const char *card)
{
    const struct nm_card *c = card_find(card);
    return c ? c->nports : 0;
}

const char *mid_nm_card_at(unsigned i)
{
    return i < NCARDS ? catalogue[i].name : NULL;
}

/* ========================================================= the set */

struct nm_chip {
    const struct card_chip_ops *ops;
    const struct card_func *func;
    struct nm_slot *slot;
    void *chip;
    struct pci_dev *pci;
    unsigned irq_port;
    char name[80];
};

struct nm_slot {
    struct mid_nm *set;
    const struct nm_card *card;
    unsigned slotno;
    unsigned sub; /* 0: the module; 1..3: WIC 0..2 */
    int builtin;
    unsigned nchips;
    struct nm_chip chips[4];
    struct wic_serial *wic_glue;
    struct nio *nio[MID_NM_MAX_PORTS]; /* bindings, one reference each */
};

struct mid_nm {
    struct mid *m;
    char name[64];
    /* cfg_lock serialises insert/remove/bind; lock guards the slots
     * against the transmit timer. Order: cfg_lock, then lock. */
    pthread_mutex_t cfg_lock;
    pthread_mutex_t lock;
    struct nm_slot *slot[MID_MAX_SLOTS];
    struct nm_slot *wic[MID_MAX_WICS];
    struct card_tx_timer tx;
};


static struct nm_slot **slot_ref(struct mid_nm *s, unsigned slot,
                                 unsigned sub)
{
    if (sub == 0)
        return slot < MID_MAX_SLOTS ? &s->slot[slot] : NULL;
    return slot == 0 && sub <= MID_MAX_WICS ? &s->wic[sub - 1] : NULL;
}

/* A chip's interrupt output: the (slot, port) line of §2.6. */
static void chip_irq(void *ctx, int line, int level)
{
    struct nm_chip *c = ctx;
    struct mid *m = c->slot->set->m;
    (void)line;
    m->plat->net_irq(m, c->slot->slotno, c->irq_port, level);
}

static unsigned nm_first(const struct mid *m)
{
    return m->model->slot0_card ? 1 : 0;
}

/* The slot's identification EEPROM (§5.2) in its socket, or empty. */
static void slot_eeprom(struct mid_nm *s, const struct nm_slot *b,
                        const struct nm_card *card)
{
    struct mid *m = s->m;
    uint8_t img[NMC93C46_BYTES];
    int have = card && card->eeprom && mid_eeprom_image(card->eeprom, img) == 0;
    if (have && strcmp(card->name, "NM-16ESW") == 0)
        mid_eeprom_nm16esw_mac(img, m->plat->mac_prefix,
                               m->vm->cfg.instance_id, (unsigned)getpid(),
                               b->slotno);
    if (have && strcmp(card->name, "WIC-1ENET") == 0)
        mid_eeprom_wic1enet_mac(img, m->plat->mac_prefix,
                                m->vm->cfg.instance_id, (unsigned)getpid(),
                                MID_WIC_PORT_BASE * b->sub);
    if (b->sub) {
        unsigned w = b->sub - 1;
        if (have)
            memcpy(m->wic_image[w], img, NMC93C46_BYTES);
        m->wic_eeprom[w] = have ? m->wic_image[w] : NULL;
        return;
    }
    struct nmc93cx6_group *g = m->eeprom_slot[b->slotno];
    if (g)
        nmc93cx6_load(g, 0, have ? img : NULL, have ? NMC93C46_BYTES : 0);
}

static void slot_free(struct mid_nm *s, struct nm_slot *b)
{
    card_ports_release(b->nio, MID_NM_MAX_PORTS);
    for (unsigned i = 0; i < b->nchips; i++) {
        struct nm_chip *c = &b->chips[i];
        if (c->pci) {
            pci_dev_remove(c->pci);
            c->pci = NULL;
        }
        if (c->chip) {
            for (unsigned p = 0; p < c->func->nports; p++)
                c->ops->set_nio(c->chip, p, NULL);
            c->ops->destroy(c->chip);
        }
        if (c->ops->device) /* no stale status bit in the FPGA */
            s->m->plat->net_irq(s->m, b->slotno, c->irq_port, 0);
    }
    if (b->wic_glue) {
        physmap_remove(&s->m->vm->pm,
                       WIC_BASE + WIC_SERIAL_WINDOW_SIZE * (b->sub - 1));
        wic_serial_destroy(b->wic_glue);
    }
    free(b);
}

static int slot_build(struct mid_nm *s, unsigned slotno, unsigned sub,
                      const struct nm_card *card, struct nm_slot **out)
{
    struct mid *m = s->m;
    struct nm_slot *b = calloc(1, sizeof(*b));
    if (!b)
        return -ENOMEM;
    b->set = s;
    b->card = card;
    b->slotno = slotno;
    b->sub = sub;
    int rc = 0;
    for (unsigned i = 0; rc == 0 && i < card->nfuncs; i++) {
        const struct card_func *f = &card->func[i];
        struct nm_chip *c = &b->chips[i];
        c->ops = chip_ops_of(f->kind);
        c->func = f;
        c->slot = b;
        c->irq_port = f->irq_port;
        b->nchips = i + 1;
        snprintf(c->name, sizeof(c->name), "%.32s slot %u %s(%u)", s->name,
                 slotno, c->ops->what, (unsigned)f->dev);
        struct pci_bus *bus = NULL;
        unsigned devno = 0;
        if (c->ops->pci_config) {
            rc = m->plat->nm_place(m, slotno, (unsigned)f->dev, f->irq_port, &bus,
                                   &devno, &c->irq_port);
            if (rc < 0)
                break;
        }
        struct card_chip_config cc = {
            .name = c->name, .pm = &m->vm->pm, .lg = m->vm->log,
            .irq = {.set = chip_irq, .ctx = c, .line = 0},
            .machine = m, .wic = sub ? sub - 1 : 0,
            .kick = {.fn = card_tx_timer_kick, .ctx = &s->tx}};
        rc = c->ops->create(&cc, &c->chip);
        if (rc < 0 || !c->ops->pci_config)
            continue;
        struct pci_dev_config pcfg;
        c->ops->pci_config(c->chip, &pcfg);
        rc = pci_dev_add(bus, devno, 0, &pcfg, &c->pci);
        if (rc < 0)
            log_msg(m->vm->log, m->plat->tag, "%s: %s in slot %u: PCI "
                    "device %u: %s", s->name, card->name, slotno, devno,
                    strerror(-rc));
    }
    if (rc == 0 && card->place == PLACE_WIC &&
        strcmp(card->port_type, "Serial") == 0) {
        /* §4.9: a serial WIC's register window (a WIC-1ENET has none) */
        b->wic_glue = wic_serial_create(card->nports);
        if (!b->wic_glue)
            rc = -ENOMEM;
        else
            rc = physmap_add_device(&m->vm->pm, card->name,
                                    WIC_BASE + WIC_SERIAL_WINDOW_SIZE *
                                                   (sub - 1),
                                    WIC_SERIAL_WINDOW_SIZE,
                                    wic_serial_device(b->wic_glue), 0);
        if (rc < 0 && b->wic_glue) {
            wic_serial_destroy(b->wic_glue);
            b->wic_glue = NULL;
        }
    }
    if (rc < 0) {
        slot_free(s, b);
        return rc;
    }
    *out = b;
    return 0;
}

static struct nm_slot *slot_take(struct mid_nm *s, struct nm_slot **ref)
{
    pthread_mutex_lock(&s->lock);
    struct nm_slot *b = *ref;
    *ref = NULL;
    pthread_mutex_unlock(&s->lock);
    return b;
}

int mid_nm_set_insert(struct mid_nm *s, unsigned slot, unsigned sub,
                      const char *card, int builtin)
{
    struct mid *m = s->m;
    const struct nm_card *c = card_find(card);
    if (!c)
        return -ENOENT;
    if (!card_fits(c, m->plat->family, nm_first(m), m->model->nslots, slot,
                   sub))
        return -EINVAL;
    if (!card_emulated(c))
        return -ENOTSUP;
    struct nm_slot **ref = slot_ref(s, slot, sub);
    if (!ref)
        return -EINVAL;
    if (sub && (!s->slot[0] || strcmp(s->slot[0]->card->name,
                                      "GT96100-FE") != 0))
        return -ENODEV; /* WICs hang off the GT96100-FE (§4.9) */
    pthread_mutex_lock(&s->cfg_lock);
    struct nm_slot *old = *ref;
    if (old && old->card == c) {
        pthread_mutex_unlock(&s->cfg_lock);
        return 0; /* asked for what is there (the built-in card) */
    }
    if (old) {
        pthread_mutex_unlock(&s->cfg_lock);
        return -EBUSY;
    }
    struct nm_slot *b = NULL;
    int rc = slot_build(s, slot, sub, c, &b);
    if (rc == 0) {
        b->builtin = builtin;
        pthread_mutex_lock(&s->lock);
        *ref = b;
        pthread_mutex_unlock(&s->lock);
        slot_eeprom(s, b, c);
        log_msg(m->vm->log, m->plat->tag, "%s: %s in slot %u%s", s->name,
                c->name, slot, sub ? (sub == 1 ? " WIC 0" : sub == 2
                                                     ? " WIC 1" : " WIC 2")
                                   : "");
    }
    pthread_mutex_unlock(&s->cfg_lock);
    return rc;
}

int mid_nm_set_remove(struct mid_nm *s, unsigned slot, unsigned sub)
{
    struct nm_slot **ref = slot_ref(s, slot, sub);
    if (!ref)
        return -EINVAL;
    pthread_mutex_lock(&s->cfg_lock);
    struct nm_slot *b = *ref;
    int rc = !b ? -ENODEV : b->builtin ? -EPERM : 0;
    if (rc == 0 && sub == 0 && slot == 0)
        for (unsigned w = 0; w < MID_MAX_WICS; w++)
            if (s->wic[w])
                rc = -EBUSY; /* the WICs go first */
    if (rc == 0) {
        slot_take(s, ref);
        slot_eeprom(s, b, NULL);
        log_msg(s->m->vm->log, s->m->plat->tag, "%s: %s removed from slot %u",
                s->name, b->card->name, slot);
        slot_free(s, b);
    }
    pthread_mutex_unlock(&s->cfg_lock);
    return rc;
}

/* The slot structure and in-card port of a binding port; cfg_lock held. */
static struct nm_slot *port_slot(struct mid_nm *s, unsigned slot,
                                 unsigned port, unsigned *cport)
{
    if (slot >= MID_MAX_SLOTS)
        return NULL;
    if (slot == 0 && port >= MID_WIC_PORT_BASE) {
        unsigned w = port / MID_WIC_PORT_BASE - 1;
        *cport = port % MID_WIC_PORT_BASE;
        return w < MID_MAX_WICS ? s->wic[w] : NULL;
    }
    *cport = port;
    return s->slot[slot];
}

static struct nm_chip *port_chip(struct nm_slot *b, unsigned port,
                                 unsigned *channel)
{
    int i = card_func_of_port(b->card->func, b->nchips, port, channel);
    return i < 0 ? NULL : &b->chips[i];
}

int mid_nm_set_bind(struct mid_nm *s, unsigned slot, unsigned port,
                    struct nio *nio)
{
    if (!nio)
        return -EINVAL;
    pthread_mutex_lock(&s->cfg_lock);
    unsigned cp = 0, ch = 0;
    struct nm_slot *b = port_slot(s, slot, port, &cp);
    struct nm_chip *c = b ? port_chip(b, cp, &ch) : NULL;
    int rc = !b ? -ENODEV : !c ? -EINVAL : b->nio[cp] ? -EBUSY : 0;
    if (rc == 0)
        rc = card_port_bind(c->ops, c->chip, ch, &b->nio[cp], nio);
    pthread_mutex_unlock(&s->cfg_lock);
    return rc;
}

int mid_nm_set_unbind(struct mid_nm *s, unsigned slot, unsigned port)
{
    pthread_mutex_lock(&s->cfg_lock);
    unsigned cp = 0, ch = 0;
    struct nm_slot *b = port_slot(s, slot, port, &cp);
    struct nm_chip *c = b ? port_chip(b, cp, &ch) : NULL;
    int rc = !b ? -ENODEV : (!c || !b->nio[cp]) ? -ENOENT : 0;
    if (rc == 0)
        card_port_unbind(c->ops, c->chip, ch, &b->nio[cp]);
    pthread_mutex_unlock(&s->cfg_lock);
    return rc;
}

const char *mid_nm_set_card(struct mid_nm *s, unsigned slot, unsigned sub)
{
    struct nm_slot **ref = slot_ref(s, slot, sub);
    if (!ref)
        return NULL;
    pthread_mutex_lock(&s->lock);
    const char *n = *ref ? (*ref)->card->name : NULL;
    pthread_mutex_unlock(&s->lock);
    return n;
}

struct nio *mid_nm_set_nio(struct mid_nm *s, unsigned slot, unsigned port)
{
    pthread_mutex_lock(&s->cfg_lock);
    unsigned cp = 0;
    struct nm_slot *b = port_slot(s, slot, port, &cp);
    struct nio *n = b && cp < MID_NM_MAX_PORTS ? b->nio[cp] : NULL;
    pthread_mutex_unlock(&s->cfg_lock);
    return n;
}

static void for_each_slot(struct mid_nm *s, void (*fn)(struct nm_slot *b,
                                                       void *arg),
                          void *arg)
{
    for (unsigned i = 0; i < MID_MAX_SLOTS; i++)
        if (s->slot[i])
            fn(s->slot[i], arg);
    for (unsigned w = 0; w < MID_MAX_WICS; w++)
        if (s->wic[w])
            fn(s->wic[w], arg);
}

struct poll_acc {
    int sent, on;
};

static void poll_slot(struct nm_slot *b, void *arg)
{
    struct poll_acc *acc = arg;
    for (unsigned k = 0; k < b->nchips; k++) {
        acc->sent += card_chip_tx_poll(b->chips[k].ops, b->chips[k].chip);
        acc->on |= card_chip_tx_on(b->chips[k].ops, b->chips[k].chip);
    }
}

static int tx_poll_on(struct mid_nm *s, int *tx_on)
{
    struct poll_acc acc = {0, 0};
    pthread_mutex_lock(&s->lock);
    for_each_slot(s, poll_slot, &acc);
    pthread_mutex_unlock(&s->lock);
    *tx_on |= acc.on;
    return acc.sent;
}

int mid_nm_tx_poll(struct mid_nm *s)
{
    int on = 0;
    return tx_poll_on(s, &on);
}

static void reset_slot(struct nm_slot *b, void *arg)
{
    (void)arg;
    for (unsigned k = 0; k < b->nchips; k++)
        card_chip_reset(b->chips[k].ops, b->chips[k].chip);
}

void mid_nm_reset(struct mid_nm *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    for_each_slot(s, reset_slot, NULL);
    pthread_mutex_unlock(&s->lock);
}

static void show_slot(struct nm_slot *b, void *arg)
{
    FILE *out = arg;
    const struct nm_card *card = b->card;
    if (b->sub)
        fprintf(out, "  slot %u WIC %u: %s (%u port%s", b->slotno, b->sub - 1,
                card->name, card->nports, card->nports == 1 ? "" : "s");
    else
        fprintf(out, "  slot %u: %s (%u port%s", b->slotno, card->name,
                card->nports, card->nports == 1 ? "" : "s");
    for (unsigned k = 0; k < b->nchips; k++)
        card_show_chip(out, k, b->chips[k].ops);
    fprintf(out, ")\n");
    for (unsigned p = 0; p < card->nports; p++) {
        unsigned ch = 0;
        struct nm_chip *c = port_chip(b, p, &ch);
        char ifname[64];
        if (b->sub)
            snprintf(ifname, sizeof(ifname), "%s (WIC %u port %u)",
                     card->port_type, b->sub - 1, p);
        else
            snprintf(ifname, sizeof(ifname), "%s%u/%u", card->port_type,
                     b->slotno, p);
        card_show_port(out, b->sub ? MID_WIC_PORT_BASE * b->sub + p : p,
                       ifname, b->nio[p], c ? c->ops : NULL,
                       c ? c->chip : NULL, ch);
    }
}

void mid_nm_show(struct mid_nm *s, FILE *out)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->cfg_lock);
    for_each_slot(s, show_slot, out);
    pthread_mutex_unlock(&s->cfg_lock);
}

/* ========================================================== life cycle */

static int nm_tx_poll(void *arg, int *tx_on)
{
    return tx_poll_on(arg, tx_on);
}

int mid_nm_create(struct mid *m, struct mid_nm **out)
{
    struct mid_nm *s = calloc(1, sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->m = m;
    snprintf(s->name, sizeof(s->name), "%s",
             m->vm->cfg.name ? m->vm->cfg.name : m->plat->name);
    pthread_mutex_init(&s->cfg_lock, NULL);
    pthread_mutex_init(&s->lock, NULL);
    card_tx_timer_start(&s->tx, m->vm->ev, nm_tx_poll, s);
    *out = s;
    return 0;
}

void mid_nm_destroy(struct mid_nm *s)
{
    if (!s)
        return;
    card_tx_timer_stop(&s->tx);
    for (unsigned w = 0; w < MID_MAX_WICS; w++) {
        struct nm_slot *b = slot_take(s, &s->wic[w]);
        if (b)
            slot_free(s, b);
    }
    for (unsigned i = 0; i < MID_MAX_SLOTS; i++) {
        struct nm_slot *b = slot_take(s, &s->slot[i]);
        if (b)
            slot_free(s, b);
    }
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_destroy(&s->cfg_lock);
    free(s);
}

/* =========================================================== VM level */

static const char *card_error(int rc)
{
    switch (rc) {
    case -ENOENT: return "unknown card";
    case -EINVAL: return "card does not fit this slot on this chassis";
    case -ENOTSUP: return "card not emulated";
    case -EBUSY: return "slot occupied";
    case -ENODEV: return "no GT96100-FE in slot 0 to hold the WIC";
    case -EPERM: return "the built-in card cannot be removed";
    default: return strerror(-rc);
    }
}

/* Slot changes on a running router: OIR-capable chassis, NM bays only. */
static int oir_allowed(const struct mid *m, unsigned slot, unsigned sub)
{
    return m->model->oir && sub == 0 && slot >= 1;
}

static int change(struct vm *vm, unsigned slot, unsigned sub,
                  const char *card, int insert)
{
    struct mid *m = mid_of(vm);
    if (!m)
        return -ENODEV;
    int live = card_vm_live(vm);
    if (live && !oir_allowed(m, slot, sub)) {
        log_msg(vm->log, m->plat->tag, "%s: slot %u%s cannot change while "
                "the router runs", vm->cfg.name, slot,
                sub ? " (WIC)" : "");
        return -EBUSY;
    }
    if (live)
        vm_suspend(vm); /* devices change under a stopped CPU */
    int rc = insert ? mid_nm_set_insert(m->nm, slot, sub, card, 0)
                    : mid_nm_set_remove(m->nm, slot, sub);
    if (rc == 0 && live && m->plat->oir_event)
        m->plat->oir_event(m, slot);
    if (live)
        vm_resume(vm);
    if (rc < 0 && insert)
        log_msg(vm->log, m->plat->tag, "%s: cannot insert %s in slot %u/%u: "
                "%s", vm->cfg.name, card ? card : "(none)", slot, sub,
                card_error(rc));
    return rc;
}

int mid_nm_insert(struct vm *vm, unsigned slot, unsigned sub,
                  const char *card)
{
    return change(vm, slot, sub, card, 1);
}

int mid_nm_remove(struct vm *vm, unsigned slot, unsigned sub)
{
    return change(vm, slot, sub, NULL, 0);
}

int mid_nm_bind_nio(struct vm *vm, unsigned slot, unsigned port,
                    struct nio *nio)
{
    struct mid *m = mid_of(vm);
    if (!m)
        return -ENODEV;
    int rc = mid_nm_set_bind(m->nm, slot, port, nio);
    if (rc < 0)
        log_msg(vm->log, m->plat->tag, "%s: cannot bind NIO %s to slot %u "
                "port %u: %s", vm->cfg.name, nio ? nio_name(nio) : "(none)",
                slot, port, card_bind_why(rc, "empty slot"));
    return rc;
}

int mid_nm_unbind_nio(struct vm *vm, unsigned slot, unsigned port)
{
    struct mid *m = mid_of(vm);
    return m ? mid_nm_set_unbind(m->nm, slot, port) : -ENODEV;
}

const char *mid_nm_card(struct vm *vm, unsigned slot, unsigned sub)
{
    struct mid *m = mid_of(vm);
    return m ? mid_nm_set_card(m->nm, slot, sub) : NULL;
}

struct nio *mid_nm_nio(struct vm *vm, unsigned slot, unsigned port)
{
    struct mid *m = mid_of(vm);
    return m ? mid_nm_set_nio(m->nm, slot, port) : NULL;
}

void mid_nm_show_hardware(struct vm *vm, FILE *out)
{
    struct mid *m = mid_of(vm);
    if (m)
        mid_nm_show(m->nm, out);
}
