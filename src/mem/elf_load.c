/*
 * Big-endian MIPS ELF loader. Every field read from the file is checked
 * against the file size before use: a truncated or hostile image gives a
 * clear error, never a crash.
 *
 * Field offsets: System V ABI, "ELF Header", "Program Header" and
 * "Section Header" (ELF32 and ELF64 layouts).
 */
#include "mem/elf_load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/errmsg.h"
#include "mem/physmap.h"

#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2MSB 2
#define EM_MIPS 8
#define PT_LOAD 1
#define SHT_NOBITS 8
#define SHF_ALLOC 2

struct elf_view {
    const uint8_t *p;
    size_t len;
    int is64;
};


static int rd(const struct elf_view *v, uint64_t off, unsigned size,
              uint64_t *out)
{
    if (off > v->len || size > v->len - off)
        return -1;
    const uint8_t *p = v->p + off;
    switch (size) {
    case 2: *out = be16_load(p); break;
    case 4: *out = be32_load(p); break;
    default: *out = be64_load(p); break;
    }
    return 0;
}

/* "address" field size: 4 bytes in ELF32, 8 in ELF64 */
#define ASZ(v) ((v)->is64 ? 8u : 4u)

static uint64_t sext_addr(const struct elf_view *v, uint64_t a)
{
    return v->is64 ? a : (uint64_t)(int64_t)(int32_t)(uint32_t)a;
}

/* Physical address of a virtual address in an unmapped segment. */
static int virt_to_phys(uint64_t va, uint64_t *pa)
{
    if (va >= 0xFFFFFFFF80000000ull && va < 0xFFFFFFFFC0000000ull) {
        *pa = va & 0x1FFFFFFFull; /* KSEG0 / KSEG1 */
        return 0;
    }
    if ((va >> 62) == 2) {
        *pa = va & 0xFFFFFFFFFull; /* XKPHYS: 36-bit physical */
        return 0;
    }
    return -1;
}

static int header(const struct elf_view *v, uint64_t *entry, uint64_t *phoff,
                  uint64_t *phentsize, uint64_t *phnum, uint64_t *shoff,
                  uint64_t *shentsize, uint64_t *shnum, char *err,
                  size_t errlen)
{
    uint64_t machine;
    unsigned a = ASZ(v);
    /* e_machine at 18; e_entry at 24; then phoff, shoff (address-sized);
     * after e_flags (4): ehsize, phentsize, phnum, shentsize, shnum. */
    uint64_t off_flags = 24 + 3 * a;
    if (rd(v, 18, 2, &machine) || rd(v, 24, a, entry) ||
        rd(v, 24 + a, a, phoff) || rd(v, 24 + 2 * a, a, shoff) ||
        rd(v, off_flags + 6, 2, phentsize) || rd(v, off_flags + 8, 2, phnum) ||
        rd(v, off_flags + 10, 2, shentsize) || rd(v, off_flags + 12, 2, shnum))
        return errf(err, errlen, -EINVAL, "truncated ELF header");
    if (machine != EM_MIPS)
        return errf(err, errlen, -EINVAL,
                    "ELF machine %llu is not MIPS (8)",
                    (unsigned long long)machine);
    *entry = sext_addr(v, *entry);
    return 0;
}

static int check_ident(const uint8_t *buf, size_t len, struct elf_view *v,
                       char *err, size_t errlen)
{
    if (len < 16 || memcmp(buf, "\x7f" "ELF", 4) != 0)
        return errf(err, errlen, -EINVAL, "not an ELF file");
    if (buf[EI_DATA] != ELFDATA2MSB)
        return errf(err, errlen, -EINVAL,
                    "ELF image is not big-endian (MIPS routers are)");
    if (buf[EI_CLASS] != ELFCLASS32 && buf[EI_CLASS] != ELFCLASS64)
        return errf(err, errlen, -EINVAL, "unknown ELF class %u",
                    buf[EI_CLASS]);
    v->p = buf;
    v->len = len;
    v->is64 = buf[EI_CLASS] == ELFCLASS64;
    return 0;
}

static int place(struct physmap *pm, const struct elf_view *v, uint64_t vaddr,
                 uint64_t off, uint64_t filesz, uint64_t memsz, int nobits,
                 const char *what, unsigned idx, struct elf_image_info *info,
                 char *err, size_t errlen)
{
    uint64_t pa;
    if (filesz > memsz)
        return errf(err, errlen, -EINVAL,
                    "%s %u: file size 0x%llx exceeds memory size 0x%llx",
                    what, idx, (unsigned long long)filesz,
                    (unsigned long long)memsz);
    if (virt_to_phys(vaddr, &pa) < 0)
        return errf(err, errlen, -EINVAL,
                    "%s %u: address 0x%016llx is not in an unmapped segment "
                    "(KSEG0/KSEG1/XKPHYS)", what, idx,
                    (unsigned long long)vaddr);
    if (!nobits && (off > v->len || filesz > v->len - off))
        return errf(err, errlen, -EINVAL,
                    "%s %u: data at file offset 0x%llx+0x%llx lies beyond "
                    "the end of the file (%zu bytes)", what, idx,
                    (unsigned long long)off, (unsigned long long)filesz,
                    v->len);
    if (!nobits && filesz &&
        physmap_copy_to(pm, pa, v->p + off, (size_t)filesz) < 0)
        goto no_ram;
    for (uint64_t z = nobits ? 0 : filesz; z < memsz;) {
        static const uint8_t zeros[4096];
        size_t n = memsz - z > sizeof(zeros) ? sizeof(zeros)
                                             : (size_t)(memsz - z);
        if (physmap_copy_to(pm, pa + z, zeros, n) < 0)
            goto no_ram;
        z += n;
    }
    if (memsz) {
        if (!info->segments || pa < info->lowest_pa)
            info->lowest_pa = pa;
        if (pa + memsz > info->highest_pa)
            info->highest_pa = pa + memsz;
        info->segments++;
    }
    return 0;
no_ram:
    return errf(err, errlen, -ERANGE,
                "%s %u: 0x%llx bytes at physical 0x%llx do not fit in RAM "
                "(more RAM needed, or a wrong load address)", what, idx,
                (unsigned long long)memsz, (unsigned long long)pa);
}

int elf_load_buffer(struct physmap *pm, const uint8_t *buf, size_t len,
                    struct elf_image_info *info, char *err, size_t errlen)
{
    struct elf_view v;
    int rc = check_ident(buf, len, &v, err, errlen);
    if (rc)
        return rc;
    uint64_t entry, phoff, phentsize, phnum, shoff, shentsize, shnum;
    rc = header(&v, &entry, &phoff, &phentsize, &phnum, &shoff, &shentsize,
                &shnum, err, errlen);
    if (rc)
        return rc;
    memset(info, 0, sizeof(*info));
    info->entry = entry;
    info->is64 = v.is64;
    unsigned a = ASZ(&v);

    if (phnum) {
        if (phentsize < (v.is64 ? 56u : 32u))
            return errf(err, errlen, -EINVAL,
                        "program header entry size %llu too small",
                        (unsigned long long)phentsize);
        for (uint64_t i = 0; i < phnum; i++) {
            uint64_t ph = phoff + i * phentsize;
            uint64_t type, off, vaddr, filesz, memsz;
            int bad;
            if (v.is64)
                /* p_type 0, p_flags 4, p_offset 8, p_vaddr 16, p_paddr 24,
                 * p_filesz 32, p_memsz 40 */
                bad = rd(&v, ph, 4, &type) || rd(&v, ph + 8, 8, &off) ||
                      rd(&v, ph + 16, 8, &vaddr) ||
                      rd(&v, ph + 32, 8, &filesz) ||
                      rd(&v, ph + 40, 8, &memsz);
            else
                /* p_type 0, p_offset 4, p_vaddr 8, p_paddr 12,
                 * p_filesz 16, p_memsz 20 */
                bad = rd(&v, ph, 4, &type) || rd(&v, ph + 4, 4, &off) ||
                      rd(&v, ph + 8, 4, &vaddr) ||
                      rd(&v, ph + 16, 4, &filesz) ||
                      rd(&v, ph + 20, 4, &memsz);
            if (bad)
                return errf(err, errlen, -EINVAL,
                            "program header %llu lies beyond the end of the "
                            "file", (unsigned long long)i);
            if (type != PT_LOAD || memsz == 0)
                continue;
            rc = place(pm, &v, sext_addr(&v, vaddr), off, filesz, memsz, 0,
                       "segment", (unsigned)i, info, err, errlen);
            if (rc)
                return rc;
        }
    } else {
        if (shnum && shentsize < (v.is64 ? 64u : 40u))
            return errf(err, errlen, -EINVAL,
                        "section header entry size %llu too small",
                        (unsigned long long)shentsize);
        for (uint64_t i = 0; i < shnum; i++) {
            uint64_t sh = shoff + i * shentsize;
            uint64_t type, flags, addr, off, size;
            /* sh_type 4, sh_flags 8, then addr, offset, size */
            if (rd(&v, sh + 4, 4, &type) || rd(&v, sh + 8, a, &flags) ||
                rd(&v, sh + 8 + a, a, &addr) ||
                rd(&v, sh + 8 + 2 * a, a, &off) ||
                rd(&v, sh + 8 + 3 * a, a, &size))
                return errf(err, errlen, -EINVAL,
                            "section header %llu lies beyond the end of the "
                            "file", (unsigned long long)i);
            if (!(flags & SHF_ALLOC) || size == 0)
                continue;
            int nobits = type == SHT_NOBITS;
            rc = place(pm, &v, sext_addr(&v, addr), off, nobits ? 0 : size,
                       size, nobits, "section", (unsigned)i, info, err,
                       errlen);
            if (rc)
                return rc;
        }
    }
    if (!info->segments)
        return errf(err, errlen, -EINVAL, "ELF image has nothing to load");
    return 0;
}

static int map_file(const char *path, uint8_t **buf, size_t *len, char *err,
                    size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errf(err, errlen, -errno, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return errf(err, errlen, -EINVAL, "%s: not a regular file", path);
    }
    if (st.st_size == 0) {
        close(fd);
        return errf(err, errlen, -EINVAL, "%s: empty file", path);
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return errf(err, errlen, -errno, "%s: %s", path, strerror(errno));
    *buf = p;
    *len = (size_t)st.st_size;
    return 0;
}

int elf_load_file(struct physmap *pm, const char *path,
                  struct elf_image_info *info, char *err, size_t errlen)
{
    uint8_t *buf;
    size_t len;
    int rc = map_file(path, &buf, &len, err, errlen);
    if (rc)
        return rc;
    char sub[256];
    rc = elf_load_buffer(pm, buf, len, info, sub, sizeof(sub));
    if (rc)
        errf(err, errlen, rc, "%s: %s", path, sub);
    munmap(buf, len);
    return rc;
}

int elf_probe_file(const char *path, struct elf_image_info *info, char *err,
                   size_t errlen)
{
    uint8_t *buf;
    size_t len;
    int rc = map_file(path, &buf, &len, err, errlen);
    if (rc)
        return rc;
    struct elf_view v;
    char sub[256];
    rc = check_ident(buf, len, &v, sub, sizeof(sub));
    if (!rc) {
        uint64_t e, a, b, c, d, f, g;
        rc = header(&v, &e, &a, &b, &c, &d, &f, &g, sub, sizeof(sub));
        memset(info, 0, sizeof(*info));
        info->entry = e;
        info->is64 = v.is64;
    }
    if (rc)
        errf(err, errlen, rc, "%s: %s", path, sub);
    munmap(buf, len);
    return rc;
}
