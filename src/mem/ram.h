/*
 * Guest RAM backing (mips64.md §11.1):
 *   - a file in the working directory mapped shared (the default, so the
 *     host can page it out and the file shows the guest's memory), deleted
 *     when the VM is destroyed;
 *   - anonymous memory (-X, and sparse memory: see below);
 *   - a ghost image mapped privately (mem/ghost.h): the host shares the
 *     unmodified pages of one file between every VM using it and copies a
 *     page on its first store.
 *
 * Every mapping is MAP_NORESERVE or a sparse file, so the kernel allocates
 * a page on first touch: that is what the reference's "sparse memory"
 * builds by hand with a page table (§11.2). --sparse-mem therefore only
 * means "no RAM file": anonymous memory, nothing written back to disk.
 */
#ifndef MEM_RAM_H
#define MEM_RAM_H

#include <stddef.h>
#include <stdint.h>

enum ram_backing {
    RAM_ANON = 0,     /* anonymous, zero-filled */
    RAM_FILE,         /* shared file in the working directory, zero-filled */
    RAM_GHOST_GEN,    /* shared new ghost file, being generated */
    RAM_GHOST,        /* private (copy-on-write) view of a ghost file */
};

struct guest_ram {
    uint8_t *host;
    size_t size;
    char *path;       /* file deleted by ram_free, NULL if none */
    int backing;      /* enum ram_backing */
    char *ghost_path; /* RAM_GHOST*: the ghost file (kept) */
};

/* path NULL: anonymous. Returns 0 or -errno. */
int ram_alloc(struct guest_ram *ram, size_t size, const char *path);
void ram_free(struct guest_ram *ram);

#endif
