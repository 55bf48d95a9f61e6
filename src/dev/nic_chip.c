/*
 * The frame shared by the network chip models. See nic_chip.h.
 */
#include "dev/nic_chip.h"

#include <stdio.h>

void nic_chip_init(struct nic_chip *c, const char *name, const char *fallback,
                   const struct device_ops *ops, struct physmap *pm,
                   struct logger *lg, struct irq_line irq,
                   struct tx_kick kick)
{
    snprintf(c->name, sizeof(c->name), "%s", name ? name : fallback);
    c->dev.name = c->name;
    c->dev.ops = ops;
    c->pm = pm;
    c->lg = lg;
    c->irq = irq;
    c->kick = kick;
    c->irq_level = 0;
    pthread_mutex_init(&c->lock, NULL);
}

void nic_chip_fini(struct nic_chip *c)
{
    pthread_mutex_destroy(&c->lock);
}

void nic_chip_irq_locked(struct nic_chip *c, int level)
{
    if (level != c->irq_level) {
        c->irq_level = (uint8_t)level;
        irq_set(&c->irq, level);
    }
}
