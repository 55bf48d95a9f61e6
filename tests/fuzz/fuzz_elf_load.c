/*
 * libFuzzer target: the ELF loader on arbitrary bytes. Whatever the input,
 * loading must either succeed within guest RAM or fail with a message, and
 * never touch memory outside the physical map.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem/elf_load.h"
#include "mem/physmap.h"

#define RAM_SIZE (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t *ram;
    if (!ram)
        ram = malloc(RAM_SIZE);
    struct physmap pm;
    physmap_init(&pm, NULL, 0x1FFFFFFFFull);
    physmap_add_ram(&pm, "ram", 0, RAM_SIZE, ram, 0);
    struct elf_image_info info;
    char err[256];
    err[0] = 0;
    int rc = elf_load_buffer(&pm, data, size, &info, err, sizeof(err));
    if (rc < 0 && err[0] == 0)
        abort(); /* every failure must say why */
    if (rc == 0 && (info.segments == 0 || info.highest_pa > RAM_SIZE))
        abort();
    physmap_free(&pm);
    return 0;
}
