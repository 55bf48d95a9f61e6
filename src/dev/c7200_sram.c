/* Packet SRAM bank of the NPE-150/200, c7200.md §3.2 (see the header). */
#include "dev/c7200_sram.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "dev/bswap_window.h"
#include "dev/pci_bus.h"
#include "mem/physmap.h"

#define SRAM_NAME_LEN 32

struct c7200_sram {
    char name[SRAM_NAME_LEN];
    char alias_name[SRAM_NAME_LEN];
    char bswap_name[SRAM_NAME_LEN];
    struct physmap *pm;
    uint64_t base;
    size_t size;
    uint8_t *host;
    struct bswap_window *bswap;
    struct pci_dev *pci;
    int mapped[3]; /* memory, alias, byte-swapped view */
};

static uint64_t sram_region_base(const struct c7200_sram *s, int i)
{
    static const uint64_t offset[3] = {0, C7200_SRAM_ALIAS_OFFSET,
                                       C7200_SRAM_BSWAP_OFFSET};
    return s->base + offset[i];
}

int c7200_sram_create(const struct c7200_sram_config *c,
                      struct c7200_sram **out)
{
    if (!c || !c->pm || !c->size)
        return -EINVAL;
    struct c7200_sram *s = calloc(1, sizeof(*s));
    if (!s)
        return -ENOMEM;
    const char *name = c->name ? c->name : "sram";
    snprintf(s->name, sizeof(s->name), "%s", name);
    snprintf(s->alias_name, sizeof(s->alias_name), "%.20s_alias", name);
    snprintf(s->bswap_name, sizeof(s->bswap_name), "%.20s_bswap", name);
    s->pm = c->pm;
    s->base = c->base;
    s->size = c->size;

    int rc = -ENOMEM;
    s->host = calloc(1, c->size);
    if (!s->host)
        goto fail;
    rc = bswap_window_create(s->bswap_name, c->pm, c->base, &s->bswap);
    if (rc < 0)
        goto fail;
    rc = physmap_add_ram(c->pm, s->name, sram_region_base(s, 0), s->size,
                         s->host, 0);
    if (rc < 0)
        goto fail;
    s->mapped[0] = 1;
    rc = physmap_add_ram(c->pm, s->alias_name, sram_region_base(s, 1),
                         s->size, s->host, 0);
    if (rc < 0)
        goto fail;
    s->mapped[1] = 1;
    rc = physmap_add_device(c->pm, s->bswap_name, sram_region_base(s, 2),
                            s->size, bswap_window_device(s->bswap),
                            PR_UNCACHED_ONLY);
    if (rc < 0)
        goto fail;
    s->mapped[2] = 1;
    if (c->bus) {
        /* §12.4: no BAR decoded, register 0x08 reads 0 (observed). */
        struct pci_dev_config pc = {
            .name = s->name,
            .vendor_id = C7200_SRAM_PCI_VENDOR,
            .device_id = C7200_SRAM_PCI_DEVICE,
            .mode = PCI_HDR_PLATFORM,
        };
        rc = pci_dev_add(c->bus, c->devno, 0, &pc, &s->pci);
        if (rc < 0)
            goto fail;
    }
    *out = s;
    return 0;
fail:
    c7200_sram_destroy(s);
    return rc;
}

void c7200_sram_destroy(struct c7200_sram *s)
{
    if (!s)
        return;
    if (s->pci)
        pci_dev_remove(s->pci);
    for (int i = 0; i < 3; i++)
        if (s->mapped[i])
            physmap_remove(s->pm, sram_region_base(s, i));
    bswap_window_destroy(s->bswap);
    free(s->host);
    free(s);
}

uint8_t *c7200_sram_host(struct c7200_sram *s)
{
    return s->host;
}
