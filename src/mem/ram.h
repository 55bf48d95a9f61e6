/*
 * Guest RAM backing: a file in the working directory mapped shared (the
 * default, so the host can page it out and the file shows the guest's
 * memory), or anonymous memory (-X). A file-backed RAM's file is deleted
 * when the VM is destroyed.
 */
#ifndef MEM_RAM_H
#define MEM_RAM_H

#include <stddef.h>
#include <stdint.h>

struct guest_ram {
    uint8_t *host;
    size_t size;
    char *path; /* backing file, NULL for anonymous memory */
};

/* path NULL: anonymous. Returns 0 or -errno. */
int ram_alloc(struct guest_ram *ram, size_t size, const char *path);
void ram_free(struct guest_ram *ram);

#endif
