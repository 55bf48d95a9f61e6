/*
 * Loader for big-endian MIPS ELF images (ELF32 and ELF64), as IOS images
 * and our own firmware are: every PT_LOAD segment is copied to guest
 * physical memory (the virtual address of an unmapped segment, KSEG0,
 * KSEG1 or XKPHYS, gives the physical one) and the rest of its memory size
 * is zero-filled. Images without program headers are loaded from their
 * ALLOC sections, as the reference platform does (c7200.md §16.1).
 */
#ifndef MEM_ELF_LOAD_H
#define MEM_ELF_LOAD_H

#include <stddef.h>
#include <stdint.h>

struct physmap;

struct elf_image_info {
    uint64_t entry;      /* sign-extended virtual entry point */
    int is64;
    int segments;        /* loaded segments (or sections) */
    uint64_t lowest_pa, highest_pa;
};

/*
 * Load from a memory buffer; on error returns a negative errno and writes
 * a message (what and where) into err.
 */
int elf_load_buffer(struct physmap *pm, const uint8_t *buf, size_t len,
                    struct elf_image_info *info, char *err, size_t errlen);
int elf_load_file(struct physmap *pm, const char *path,
                  struct elf_image_info *info, char *err, size_t errlen);
/* Read only the header (entry point, class), nothing is loaded. */
int elf_probe_file(const char *path, struct elf_image_info *info, char *err,
                   size_t errlen);

#endif
