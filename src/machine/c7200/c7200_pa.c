/*
 * Cisco 7200 port adapters and I/O cards: catalogue, insertion/removal,
 * NIO bindings, transmit timer (shared spec c7200.md §10, §12, §20;
 * devices.md §2.1). See c7200_pa.h.
 */
#include "machine/c7200/c7200_pa.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/vm.h"
#include "dev/am79c971.h"
#include "dev/c7200_mpfpga.h"
#include "dev/dec21140.h"
#include "dev/i8254x.h"
#include "dev/mueslix.h"
#include "dev/pci_bus.h"
#include "dev/pos_oc3.h"
#include "dev/ti1570.h"
#include "machine/c7200/c7200_eeprom.h"
#include "machine/c7200/c7200_pci.h"
#include "machine/card/card_layer.h"
#include "net/nio.h"

/* ========================================================= chip kinds */

enum chip_kind {
    CHIP_DEC21140,
    CHIP_AM79C970A, /* Am79C971 model with the 10BASE-T identity */
    CHIP_MUESLIX,
    CHIP_I8254X,
    CHIP_TI1570,
    CHIP_PLX9060ES, /* PA-A1's bridge: an identity only (devices.md §3.7) */
    CHIP_POS_OC3,   /* PA-POS-OC3: 3 x PLX 9060 + control, devices 0-3 */
    CHIP_MUNICH32,  /* PA-4B (devices.md §3.10) */
    CHIP_PM7380,    /* PA-MC-8TE1 (devices.md §3.11) */
};

/* ---- PLX PCI9060ES of the PA-A1: configuration identity, nothing else
 * (every other register reads 0, no window, no interrupt, no port) ---- */

struct identity {
    char name[80];
};

static int plx_create(const struct card_chip_config *c, void **out)
{
    struct identity *id = calloc(1, sizeof(*id));
    if (!id) {
        return -ENOMEM;
    }
    snprintf(id->name, sizeof(id->name), "%s", c->name);
    *out = id;
    return 0;
}

static void plx_destroy(void *chip)
{
    free(chip);
}

static void plx_pci(void *chip, struct pci_dev_config *cfg)
{
    struct identity *id = chip;
    memset(cfg, 0, sizeof(*cfg));
    cfg->name = id->name;
    cfg->vendor_id = 0x10B5; /* c7200.md §12.4 */
    cfg->device_id = 0x906E;
    cfg->mode = PCI_HDR_PLATFORM;
}

static int plx_set_nio(void *chip, unsigned ch, struct nio *nio)
{
    (void)chip, (void)ch, (void)nio;
    return -EINVAL;
}

static const struct card_chip_ops plx9060es_chip = {
    .what = "PLX 9060ES",
    .create = plx_create,
    .destroy = plx_destroy,
    .pci_config = plx_pci,
    .set_nio = plx_set_nio,
};

static const struct card_chip_ops *chip_ops_of(unsigned kind)
{
    switch (kind) {
    case CHIP_DEC21140: return &dec21140_card;
    case CHIP_AM79C970A: return &am79c970a_card;
    case CHIP_MUESLIX: return &mueslix_pa_card;
    case CHIP_I8254X: return &i8254x_card;
    case CHIP_TI1570: return &ti1570_card;
    case CHIP_PLX9060ES: return &plx9060es_chip;
    case CHIP_POS_OC3: return &pos_oc3_card;
    default: return NULL; /* not emulated */
    }
}

/* ========================================================== catalogue */

#define BAY0_IO_SLOT (-1) /* the NPE's position for the bay-0 card, §12.2 */
#define NO_IRQ 0xFF       /* a function without interrupt output */

/*
 * A card's PCI functions are card_funcs: kind is an enum chip_kind, dev
 * the device number on the bay bus (BAY0_IO_SLOT), irq_port the §4.2
 * status bit within the bay (NO_IRQ).
 */

/* Port naming as IOS shows it: <type><bay>/<unit>. */
struct pa_port_name {
    const char *type;
    uint8_t unit;
};

struct pa_card {
    const char *name;
    uint8_t io_card; /* bay 0 only; else bays 1-6 */
    uint8_t nports;
    uint8_t nfuncs;
    struct card_func func[8];
    struct pa_port_name port[C7200_PA_MAX_PORTS];
};

#define FE(u) {"FastEthernet", u}
#define ETH(u) {"Ethernet", u}
#define SER(u) {"Serial", u}

/* c7200.md §10, devices.md §2.1 (device numbers and interrupt ports). */
static const struct pa_card catalogue[] = {
    {"C7200-IO-FE", 1, 1, 1,
     {{CHIP_DEC21140, BAY0_IO_SLOT, 0, 0, 1}},
     {FE(0)}},
    {"C7200-IO-2FE", 1, 2, 2,
     {{CHIP_I8254X, 1, 1, 0, 1}, {CHIP_I8254X, 0, 0, 1, 1}},
     {FE(0), FE(1)}},
    {"C7200-IO-GE-E", 1, 2, 2,
     {{CHIP_I8254X, 1, 1, 0, 1}, {CHIP_I8254X, 0, 0, 1, 1}},
     {{"GigabitEthernet", 0}, ETH(0)}},
    {"PA-FE-TX", 0, 1, 1,
     {{CHIP_DEC21140, 0, 0, 0, 1}},
     {FE(0)}},
    {"PA-2FE-TX", 0, 2, 2,
     {{CHIP_I8254X, 0, 0, 0, 1}, {CHIP_I8254X, 1, 1, 1, 1}},
     {FE(0), FE(1)}},
    {"PA-GE", 0, 1, 1,
     {{CHIP_I8254X, 0, 0, 0, 1}},
     {{"GigabitEthernet", 0}}},
    {"PA-4E", 0, 4, 4,
     {{CHIP_AM79C970A, 0, 0, 0, 1}, {CHIP_AM79C970A, 1, 1, 1, 1},
      {CHIP_AM79C970A, 2, 2, 2, 1}, {CHIP_AM79C970A, 3, 3, 3, 1}},
     {ETH(0), ETH(1), ETH(2), ETH(3)}},
    {"PA-8E", 0, 8, 8,
     {{CHIP_AM79C970A, 0, 0, 0, 1}, {CHIP_AM79C970A, 1, 1, 1, 1},
      {CHIP_AM79C970A, 2, 2, 2, 1}, {CHIP_AM79C970A, 3, 3, 3, 1},
      {CHIP_AM79C970A, 4, 4, 4, 1}, {CHIP_AM79C970A, 5, 5, 5, 1},
      {CHIP_AM79C970A, 6, 6, 6, 1}, {CHIP_AM79C970A, 7, 7, 7, 1}},
     {ETH(0), ETH(1), ETH(2), ETH(3), ETH(4), ETH(5), ETH(6), ETH(7)}},
    {"PA-4T+", 0, 4, 1,
     {{CHIP_MUESLIX, 0, 0, 0, 4}},
     {SER(0), SER(1), SER(2), SER(3)}},
    {"PA-8T", 0, 8, 2,
     {{CHIP_MUESLIX, 0, 0, 0, 4}, {CHIP_MUESLIX, 1, 1, 4, 4}},
     {SER(0), SER(1), SER(2), SER(3), SER(4), SER(5), SER(6), SER(7)}},
    {"PA-A1", 0, 1, 2,
     {{CHIP_TI1570, 0, 0, 0, 1}, {CHIP_PLX9060ES, 1, NO_IRQ, 0, 0}},
     {{"ATM", 0}}},
    {"PA-POS-OC3", 0, 1, 1,
     {{CHIP_POS_OC3, 0, 0, 0, 1}},
     {{"POS", 0}}},
    /* known to IOS and the reference, no working model there either */
    {"PA-4B", 0, 4, 1,
     {{CHIP_MUNICH32, 0, 0, 0, 4}},
     {{"BRI", 0}, {"BRI", 1}, {"BRI", 2}, {"BRI", 3}}},
    {"PA-MC-8TE1", 0, 8, 1,
     {{CHIP_PM7380, 0, 0, 0, 8}},
     {{"Serial", 0}, {"Serial", 1}, {"Serial", 2}, {"Serial", 3},
      {"Serial", 4}, {"Serial", 5}, {"Serial", 6}, {"Serial", 7}}},
    /* an EEPROM only: its port adapter is bay 7's, which MIPS NPEs lack */
    {"C7200-JC-PA", 1, 0, 0, {{0}}, {{NULL, 0}}},
};

#define NCARDS (sizeof(catalogue) / sizeof(catalogue[0]))

static const struct pa_card *card_find(const char *name)
{
    for (size_t i = 0; name && i < NCARDS; i++) {
        if (strcmp(catalogue[i].name, name) == 0) {
            return &catalogue[i];
        }
    }
    return NULL;
}

int c7200_pa_card_check(unsigned bay, const char *card)
{
    const struct pa_card *c = card_find(card);
    if (!c) {
        return -ENOENT;
    }
    if (bay >= C7200_PA_BAYS || (bay == 0) != (c->io_card != 0)) {
        return -EINVAL;
    }
    if (!card_funcs_emulated(c->func, c->nfuncs, chip_ops_of)) {
        return -ENOTSUP;
    }
    return 0;
}

int c7200_pa_card_ports(const char *card)
{
    const struct pa_card *c = card_find(card);
    return c ? c->nports : 0;
}

const char *c7200_pa_card_at(unsigned i)
{
    return i < NCARDS ? catalogue[i].name : NULL;
}

/* ========================================================= the set */

struct pa_chip {
    const struct card_chip_ops *ops;
    const struct card_func *func;
    void *chip;
    struct pci_dev *pci;                    /* the function with the IRQ */
    struct pci_dev *fn_pci[CARD_CHIP_MAX_FUNCS]; /* multi-function chips */
    char name[80];
};

struct pa_bay {
    const struct pa_card *card;
    int is_default;
    unsigned nchips;
    struct pa_chip chips[8];
    struct nio *nio[C7200_PA_MAX_PORTS]; /* bindings, one reference each */
};

struct c7200_pa {
    struct c7200_pa_config cfg;
    char name[64];
    /* cfg_lock serialises insert/remove/bind; lock guards bay[] against
     * the transmit timer. Lock order: cfg_lock, then lock; lock is never
     * held across NIO receive registration (which waits for the loop). */
    pthread_mutex_t cfg_lock;
    pthread_mutex_t lock;
    struct pa_bay *bay[C7200_PA_BAYS];
    struct card_tx_timer tx;
};

/* A chip's INTA# drives its PCI function's interrupt (§4.2 status bit). */
static void chip_irq(void *ctx, int line, int level)
{
    struct pa_chip *pc = ctx;
    (void)line;
    if (pc->pci) {
        pci_dev_set_irq(pc->pci, level);
    }
}

static void bay_free(struct c7200_pa *s, unsigned bayno, struct pa_bay *b)
{
    card_ports_release(b->nio, C7200_PA_MAX_PORTS);
    for (unsigned i = 0; i < b->nchips; i++) {
        struct pa_chip *pc = &b->chips[i];
        if (pc->pci) {
            pci_dev_set_irq(pc->pci, 0); /* no stale status bit */
        }
        for (unsigned k = 0; k < CARD_CHIP_MAX_FUNCS; k++) {
            if (pc->fn_pci[k]) {
                if (pc->ops->pci_attached) {
                    pc->ops->pci_attached(pc->chip, k, NULL);
                }
                pci_dev_remove(pc->fn_pci[k]);
                if (pc->fn_pci[k] == pc->pci) {
                    pc->pci = NULL;
                }
                pc->fn_pci[k] = NULL;
            }
        }
        if (pc->pci) {
            pci_dev_remove(pc->pci);
            pc->pci = NULL;
        }
        if (pc->chip) {
            pc->ops->destroy(pc->chip); /* detaches its NIOs first */
        }
    }
    (void)s;
    (void)bayno;
    free(b);
}

/* The functions of a multi-function chip at devno, devno + 1, ... */
static int chip_add_functions(struct c7200_pa *s, unsigned bayno,
                              unsigned devno, struct pa_chip *pc)
{
    const struct card_chip_ops *ops = pc->ops;
    for (unsigned k = 0; k < ops->nfuncs && k < CARD_CHIP_MAX_FUNCS; k++) {
        struct pci_dev_config pcfg;
        ops->pci_config_fn(pc->chip, k, &pcfg);
        int irq = k == ops->irq_fn && pc->func->irq_port != NO_IRQ
                      ? pc->func->irq_port
                      : -1;
        int rc = c7200_pci_add_device(s->cfg.pci, bayno, devno + k, irq,
                                      &pcfg, &pc->fn_pci[k]);
        if (rc < 0) {
            return rc;
        }
        if (ops->pci_attached) {
            ops->pci_attached(pc->chip, k, pc->fn_pci[k]);
        }
        if (k == ops->irq_fn) {
            pc->pci = pc->fn_pci[k];
        }
    }
    return 0;
}

static int bay_build(struct c7200_pa *s, unsigned bayno,
                     const struct pa_card *card, struct pa_bay **out)
{
    struct pa_bay *b = calloc(1, sizeof(*b));
    if (!b) {
        return -ENOMEM;
    }
    b->card = card;
    int rc = 0;
    for (unsigned i = 0; rc == 0 && i < card->nfuncs; i++) {
        const struct card_func *f = &card->func[i];
        struct pa_chip *pc = &b->chips[i];
        pc->ops = chip_ops_of(f->kind);
        pc->func = f;
        b->nchips = i + 1;
        snprintf(pc->name, sizeof(pc->name), "%.32s slot %u %s(%u)", s->name,
                 bayno, pc->ops->what, f->dev < 0 ? 0u : (unsigned)f->dev);
        struct card_chip_config cc = {
            .name = pc->name, .pm = s->cfg.pm, .lg = s->cfg.lg,
            .irq = {.set = chip_irq, .ctx = pc, .line = 0},
            .kick = {.fn = card_tx_timer_kick, .ctx = &s->tx}};
        rc = pc->ops->create(&cc, &pc->chip);
        if (rc < 0) {
            break;
        }
        struct pci_dev_config pcfg;
        unsigned devno = f->dev == BAY0_IO_SLOT
                             ? c7200_pci_bay0_device(s->cfg.pci)
                             : (unsigned)f->dev;
        if (pc->ops->nfuncs) {
            rc = chip_add_functions(s, bayno, devno, pc);
        } else {
            pc->ops->pci_config(pc->chip, &pcfg);
            rc = c7200_pci_add_device(s->cfg.pci, bayno, devno,
                                      f->irq_port == NO_IRQ ? -1
                                                            : f->irq_port,
                                      &pcfg, &pc->pci);
        }
        if (rc < 0) {
            log_msg(s->cfg.lg, "C7200", "%s: %s in bay %u: PCI device %u: %s",
                    s->name, card->name, bayno, devno,
                    rc == -EEXIST ? "taken (this NPE has no room for it)"
                                  : strerror(-rc));
        }
    }
    if (rc < 0) {
        bay_free(s, bayno, b);
        return rc;
    }
    *out = b;
    return 0;
}

/* Bay's EEPROM and power bits (§6, §8). */
static void bay_identity(struct c7200_pa *s, unsigned bayno,
                         const struct pa_card *card)
{
    if (s->cfg.eeproms) {
        c7200_eeproms_set_card(s->cfg.eeproms, (int)bayno,
                               card ? card->name : NULL);
    }
    if (s->cfg.mpfpga && bayno != 0) { /* bay 0 is always powered */
        c7200_mpfpga_set_bay_present(s->cfg.mpfpga, (int)bayno, card != NULL);
    }
}

static struct pa_bay *bay_take(struct c7200_pa *s, unsigned bayno)
{
    pthread_mutex_lock(&s->lock);
    struct pa_bay *b = s->bay[bayno];
    s->bay[bayno] = NULL;
    pthread_mutex_unlock(&s->lock);
    return b;
}

int c7200_pa_set_insert(struct c7200_pa *s, unsigned bayno, const char *card,
                        int is_default)
{
    int rc = c7200_pa_card_check(bayno, card);
    if (rc < 0) {
        return rc;
    }
    const struct pa_card *c = card_find(card);
    pthread_mutex_lock(&s->cfg_lock);
    struct pa_bay *old = s->bay[bayno];
    if (old && !old->is_default) {
        pthread_mutex_unlock(&s->cfg_lock);
        return -EBUSY;
    }
    if (old && old->card == c) {
        old->is_default = is_default; /* asked for what is there */
        pthread_mutex_unlock(&s->cfg_lock);
        return 0;
    }
    /* The default card goes first (the new one may need its PCI slot),
     * and comes back if the new one cannot be built. */
    const struct pa_card *prev = old ? old->card : NULL;
    if (old) {
        bay_free(s, bayno, bay_take(s, bayno));
    }
    struct pa_bay *b = NULL;
    rc = bay_build(s, bayno, c, &b);
    if (rc < 0 && prev && bay_build(s, bayno, prev, &b) == 0) {
        c = prev;
        b->is_default = 1;
    } else if (rc == 0) {
        b->is_default = is_default;
    }
    if (b) {
        pthread_mutex_lock(&s->lock);
        s->bay[bayno] = b;
        pthread_mutex_unlock(&s->lock);
        bay_identity(s, bayno, c);
        log_msg(s->cfg.lg, "C7200", "%s: %s in bay %u", s->name, c->name,
                bayno);
    } else {
        bay_identity(s, bayno, NULL);
    }
    pthread_mutex_unlock(&s->cfg_lock);
    return rc;
}

int c7200_pa_set_remove(struct c7200_pa *s, unsigned bayno)
{
    if (bayno >= C7200_PA_BAYS) {
        return -EINVAL;
    }
    pthread_mutex_lock(&s->cfg_lock);
    struct pa_bay *b = bay_take(s, bayno);
    if (b) {
        bay_identity(s, bayno, NULL);
        log_msg(s->cfg.lg, "C7200", "%s: %s removed from bay %u", s->name,
                b->card->name, bayno);
        bay_free(s, bayno, b);
    }
    pthread_mutex_unlock(&s->cfg_lock);
    return b ? 0 : -ENODEV;
}

/* The chip (and its channel) serving a port; cfg_lock held. */
static struct pa_chip *port_chip(struct pa_bay *b, unsigned port,
                                 unsigned *channel)
{
    int i = card_func_of_port(b->card->func, b->nchips, port, channel);
    return i < 0 ? NULL : &b->chips[i];
}

int c7200_pa_set_bind(struct c7200_pa *s, unsigned bayno, unsigned port,
                      struct nio *nio)
{
    if (bayno >= C7200_PA_BAYS || port >= C7200_PA_MAX_PORTS || !nio) {
        return -EINVAL;
    }
    pthread_mutex_lock(&s->cfg_lock);
    struct pa_bay *b = s->bay[bayno];
    unsigned ch = 0;
    struct pa_chip *pc = b ? port_chip(b, port, &ch) : NULL;
    int rc = !b ? -ENODEV : !pc ? -EINVAL : b->nio[port] ? -EBUSY : 0;
    if (rc == 0) {
        rc = card_port_bind(pc->ops, pc->chip, ch, &b->nio[port], nio);
    }
    if (rc == 0) {
        b->is_default = 0; /* a card in use is the user's */
    }
    pthread_mutex_unlock(&s->cfg_lock);
    return rc;
}

int c7200_pa_set_unbind(struct c7200_pa *s, unsigned bayno, unsigned port)
{
    if (bayno >= C7200_PA_BAYS || port >= C7200_PA_MAX_PORTS) {
        return -EINVAL;
    }
    pthread_mutex_lock(&s->cfg_lock);
    struct pa_bay *b = s->bay[bayno];
    unsigned ch = 0;
    struct pa_chip *pc = b ? port_chip(b, port, &ch) : NULL;
    int rc = !b ? -ENODEV : (!pc || !b->nio[port]) ? -ENOENT : 0;
    if (rc == 0) {
        card_port_unbind(pc->ops, pc->chip, ch, &b->nio[port]);
    }
    pthread_mutex_unlock(&s->cfg_lock);
    return rc;
}

const char *c7200_pa_set_card(struct c7200_pa *s, unsigned bayno)
{
    if (bayno >= C7200_PA_BAYS) {
        return NULL;
    }
    pthread_mutex_lock(&s->lock);
    const char *n = s->bay[bayno] ? s->bay[bayno]->card->name : NULL;
    pthread_mutex_unlock(&s->lock);
    return n;
}

struct nio *c7200_pa_set_nio(struct c7200_pa *s, unsigned bayno,
                             unsigned port)
{
    if (bayno >= C7200_PA_BAYS || port >= C7200_PA_MAX_PORTS) {
        return NULL;
    }
    pthread_mutex_lock(&s->cfg_lock);
    struct nio *n = s->bay[bayno] ? s->bay[bayno]->nio[port] : NULL;
    pthread_mutex_unlock(&s->cfg_lock);
    return n;
}

static int tx_poll_on(struct c7200_pa *s, int *tx_on)
{
    int sent = 0;
    pthread_mutex_lock(&s->lock);
    for (unsigned i = 0; i < C7200_PA_BAYS; i++) {
        struct pa_bay *b = s->bay[i];
        for (unsigned k = 0; b && k < b->nchips; k++) {
            const struct pa_chip *pc = &b->chips[k];
            sent += card_chip_tx_poll(pc->ops, pc->chip);
            *tx_on |= card_chip_tx_on(pc->ops, pc->chip);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return sent;
}

int c7200_pa_tx_poll(struct c7200_pa *s)
{
    int on = 0;
    return tx_poll_on(s, &on);
}

int c7200_pa_tx_scanning(struct c7200_pa *s)
{
    return card_tx_timer_armed(&s->tx);
}

void c7200_pa_reset(struct c7200_pa *s)
{
    pthread_mutex_lock(&s->lock);
    for (unsigned i = 0; i < C7200_PA_BAYS; i++) {
        struct pa_bay *b = s->bay[i];
        for (unsigned k = 0; b && k < b->nchips; k++) {
            card_chip_reset(b->chips[k].ops, b->chips[k].chip);
        }
    }
    pthread_mutex_unlock(&s->lock);
}

void c7200_pa_show(struct c7200_pa *s, FILE *out)
{
    pthread_mutex_lock(&s->cfg_lock);
    for (unsigned i = 0; i < C7200_PA_BAYS; i++) {
        struct pa_bay *b = s->bay[i];
        if (!b) {
            continue;
        }
        fprintf(out, "  slot %u: %s (%u port%s", i, b->card->name,
                b->card->nports, b->card->nports == 1 ? "" : "s");
        for (unsigned k = 0; k < b->nchips; k++) {
            card_show_chip(out, k, b->chips[k].ops);
        }
        fprintf(out, ")\n");
        for (unsigned p = 0; p < b->card->nports; p++) {
            unsigned ch = 0;
            struct pa_chip *pc = port_chip(b, p, &ch);
            char ifname[64];
            snprintf(ifname, sizeof(ifname), "%s%u/%u", b->card->port[p].type,
                     i, b->card->port[p].unit);
            card_show_port(out, p, ifname, b->nio[p], pc ? pc->ops : NULL,
                           pc ? pc->chip : NULL, ch);
        }
    }
    pthread_mutex_unlock(&s->cfg_lock);
}

/* ========================================================== life cycle */

static int pa_tx_poll(void *arg, int *tx_on)
{
    return tx_poll_on(arg, tx_on);
}

int c7200_pa_create(const struct c7200_pa_config *c, struct c7200_pa **out)
{
    if (!c || !c->pm || !c->pci) {
        return -EINVAL;
    }
    struct c7200_pa *s = calloc(1, sizeof(*s));
    if (!s) {
        return -ENOMEM;
    }
    s->cfg = *c;
    snprintf(s->name, sizeof(s->name), "%s", c->name ? c->name : "c7200");
    s->cfg.name = s->name;
    pthread_mutex_init(&s->cfg_lock, NULL);
    pthread_mutex_init(&s->lock, NULL);
    card_tx_timer_start(&s->tx, s->cfg.ev, pa_tx_poll, s);
    *out = s;
    return 0;
}

void c7200_pa_destroy(struct c7200_pa *s)
{
    if (!s) {
        return;
    }
    card_tx_timer_stop(&s->tx);
    for (unsigned i = 0; i < C7200_PA_BAYS; i++) {
        struct pa_bay *b = bay_take(s, i);
        if (b) {
            bay_free(s, i, b);
        }
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
    case -EINVAL: return "card does not fit this bay (I/O cards go in bay 0, "
                         "port adapters in bays 1-6)";
    case -ENOTSUP: return "card not emulated";
    case -EBUSY: return "bay occupied";
    case -EEXIST: return "this NPE has no room for the card";
    default: return strerror(-rc);
    }
}

/* Insert (card) or remove (NULL) on a router that may be running: bays
 * 1-6 change under a stopped CPU, with the OIR event (§20). */
static int change(struct vm *vm, unsigned bay, const char *card, int insert)
{
    struct c7200_pa *s = c7200_machine_pa(vm);
    if (!s) {
        return -ENODEV;
    }
    int live = card_vm_live(vm);
    if (live && bay == 0) {
        log_msg(vm->log, "C7200", "%s: bay 0 cannot change while the router "
                "runs", vm->cfg.name);
        return -EBUSY;
    }
    if (live) {
        vm_suspend(vm); /* devices change under a stopped CPU */
    }
    int rc = insert ? c7200_pa_set_insert(s, bay, card, 0)
                    : c7200_pa_set_remove(s, bay);
    if (rc == 0 && live && s->cfg.mpfpga) {
        c7200_mpfpga_oir_event(s->cfg.mpfpga, (int)bay); /* §20 */
    }
    if (live) {
        vm_resume(vm);
    }
    if (rc < 0 && insert) {
        log_msg(vm->log, "C7200", "%s: cannot insert %s in bay %u: %s",
                vm->cfg.name, card ? card : "(none)", bay, card_error(rc));
    }
    return rc;
}

int c7200_pa_insert(struct vm *vm, unsigned bay, const char *card)
{
    return change(vm, bay, card, 1);
}

int c7200_pa_remove(struct vm *vm, unsigned bay)
{
    return change(vm, bay, NULL, 0);
}

int c7200_pa_bind_nio(struct vm *vm, unsigned bay, unsigned port,
                      struct nio *nio)
{
    struct c7200_pa *s = c7200_machine_pa(vm);
    if (!s) {
        return -ENODEV;
    }
    int rc = c7200_pa_set_bind(s, bay, port, nio);
    if (rc < 0) {
        log_msg(vm->log, "C7200", "%s: cannot bind NIO %s to slot %u port "
                "%u: %s", vm->cfg.name, nio ? nio_name(nio) : "(none)", bay,
                port, card_bind_why(rc, "empty bay"));
    }
    return rc;
}

int c7200_pa_unbind_nio(struct vm *vm, unsigned bay, unsigned port)
{
    struct c7200_pa *s = c7200_machine_pa(vm);
    return s ? c7200_pa_set_unbind(s, bay, port) : -ENODEV;
}

const char *c7200_pa_card(struct vm *vm, unsigned bay)
{
    struct c7200_pa *s = c7200_machine_pa(vm);
    return s ? c7200_pa_set_card(s, bay) : NULL;
}

struct nio *c7200_pa_nio(struct vm *vm, unsigned bay, unsigned port)
{
    struct c7200_pa *s = c7200_machine_pa(vm);
    return s ? c7200_pa_set_nio(s, bay, port) : NULL;
}

void c7200_pa_show_hardware(struct vm *vm, FILE *out)
{
    struct c7200_pa *s = c7200_machine_pa(vm);
    if (s) {
        c7200_pa_show(s, out);
    }
}
