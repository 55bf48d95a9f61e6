/*
 * Configuration push/extract on an NVRAM image *file* (hypervisor.md
 * §5.2.4: `vm extract_config` / `vm push_config` work on the halted VM's
 * <platform>_<tag>_nvram file; nvram_export reads any image file).
 *
 * The file is read into memory, handled by dev/ios_nvram_fs, and (push
 * only) written back in place with pwrite, never replaced: a VM that has
 * the file mapped (dev/nvram, MAP_SHARED) sees the new contents, and the
 * file keeps its inode, owner and any bytes past the NVRAM size.
 */
#ifndef DEV_IOS_NVRAM_FILE_H
#define DEV_IOS_NVRAM_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "dev/ios_nvram_fs.h"

/* Largest file taken for an NVRAM image (far above any platform's). */
#define IOS_NVRAM_FILE_MAX (64u * 1024 * 1024)

/*
 * Reads a whole file into a malloc'd buffer (*buf, *len; a NUL follows the
 * data). Files larger than max give -EFBIG. Returns 0 or -errno with err
 * naming the file and the problem.
 */
int ios_nvram_file_load(const char *path, size_t max, uint8_t **buf,
                        size_t *len, char *err, size_t errlen);

/*
 * Reads the configs of the NVRAM image in `path`. nvram_size: the bytes
 * the guest sees (the file-system area ends there); 0 = the whole file.
 * A missing file gives -ENOENT. Other errors as ios_nvram_fs_read, with
 * the file name in err.
 */
int ios_nvram_file_extract(const char *path, size_t nvram_size,
                           const struct ios_nvram_layout *l,
                           struct ios_nvram_configs *out, char *err,
                           size_t errlen);

/*
 * Writes configs into the NVRAM image in `path` (NULL config = keep), as
 * ios_nvram_fs_write. A missing file is created zero-filled, a shorter one
 * extended, to nvram_size bytes; on any error the file is not touched
 * (nor created).
 */
int ios_nvram_file_push(const char *path, size_t nvram_size,
                        const struct ios_nvram_layout *l, const char *startup,
                        size_t startup_len, const char *priv, size_t priv_len,
                        char *err, size_t errlen);

#endif
