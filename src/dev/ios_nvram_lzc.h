/*
 * Decoder for the Unix `compress` (.Z, LZW) format, in which IOS may store
 * a compressed startup-config in NVRAM (format 2 of the startup-config
 * header, shared spec c7200.md §13.4, c3600-c2691-c37xx.md §8.1).
 *
 * Stream: bytes 1F 9D, a flags byte (bits 0-4: largest code width, 9-16;
 * bit 7: block mode, code 256 clears the table), then codes packed least
 * significant bit first, 9 bits wide at first. A code-width change or a
 * clear skips to the end of the current group of eight codes, as the
 * original `compress` program writes its output in such groups.
 *
 * A pure function over a byte buffer: no I/O, no global state.
 */
#ifndef DEV_IOS_NVRAM_LZC_H
#define DEV_IOS_NVRAM_LZC_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes `in` into a malloc'd buffer (*out, NUL-terminated for
 * convenience, *out_len bytes not counting the NUL). Decoding stops at the
 * end of the input or after `max_out` bytes (the rest is dropped, *out_len
 * == max_out).
 *
 * Returns 0, -EBADMSG for a bad stream (no magic, width outside 9-16, a
 * code that refers to no table entry; err says which and at which input
 * byte), -ENOMEM.
 */
int ios_nvram_lzc_decode(const uint8_t *in, size_t in_len, size_t max_out,
                         uint8_t **out, size_t *out_len, char *err,
                         size_t errlen);

#endif
