/*
 * Ghost RAM (mips64.md §11.1, hypervisor.md §5.2.6): a file holding the
 * guest RAM of a router right after its image was loaded, before the CPU
 * ran. Routers that run the same image with the same RAM size map it
 * privately instead of loading the image: the host kernel shares every
 * page they have not written (through the page cache, across VMs and
 * processes) and copies a page on its first store.
 *
 * File layout (private to this emulator): the RAM image, `ram_size` bytes
 * at offset 0 (a sparse file: pages never written are holes), then one
 * 4 KB trailer page describing it (magic, RAM size, entry point, the image
 * it was made from). A ghost is checked before use (hypervisor.md §5.2.6
 * asks not to trust a file we did not write): the magic and the RAM size
 * must match, and the image must still be the one the ghost was made from
 * (size and modification time), else the VM boots without it.
 *
 * Generation writes a temporary file next to the target and renames it at
 * the end, so VMs already mapping an older ghost of the same name keep
 * their (unlinked) copy intact.
 */
#ifndef MEM_GHOST_H
#define MEM_GHOST_H

#include <stddef.h>
#include <stdint.h>

#include "mem/ram.h"

#define GHOST_TRAILER_SIZE 4096u

struct ghost_info {
    uint64_t ram_size;
    uint64_t entry;          /* sign-extended entry point of the image */
    uint64_t image_size;
    int64_t image_mtime_sec;
    int64_t image_mtime_nsec;
    char platform[16];
    char image_name[240];    /* base name, for messages */
};

/*
 * Start generating `path`: RAM of `size` bytes backed by a new temporary
 * file beside it (ram->backing RAM_GHOST_GEN). 0 or -errno with a message.
 */
int ghost_generate_begin(struct guest_ram *ram, const char *path, size_t size,
                         char *err, size_t errlen);
/*
 * The image is in RAM: write the trailer and put the file in place.
 * `image` is the ELF file that was loaded. 0 or -errno with a message.
 */
int ghost_generate_commit(struct guest_ram *ram, const char *platform,
                          const char *image, uint64_t entry, char *err,
                          size_t errlen);

/* Read and check a ghost file's trailer (not the image). 0, -ENOENT,
 * -EINVAL (not a ghost / wrong RAM size when size != 0), other -errno. */
int ghost_read_info(const char *path, size_t size, struct ghost_info *gi,
                    char *err, size_t errlen);
/* Is `image` (a file) still the one the ghost was made from? 0 or
 * -ESTALE with a message. */
int ghost_check_image(const struct ghost_info *gi, const char *image,
                      char *err, size_t errlen);

/*
 * Map `path` privately as RAM of `size` bytes (ram->backing RAM_GHOST),
 * after ghost_read_info / ghost_check_image. 0 or -errno with a message.
 */
int ghost_map(struct guest_ram *ram, const char *path, size_t size,
              struct ghost_info *gi, char *err, size_t errlen);

#endif
