/*
 * Base64 (RFC 4648 standard alphabet, '=' padding, no line breaks) for
 * the protocol's binary arguments and results (hypervisor.md §2.4).
 */
#ifndef HV_B64_H
#define HV_B64_H

#include <stddef.h>
#include <stdint.h>

/* Encoded text (NUL-terminated, malloc'd) or NULL when out of memory. */
char *hv_b64_encode(const uint8_t *data, size_t len);
/*
 * Decode; returns the byte count and a malloc'd buffer in *out, or -1 for
 * text that is not Base64 (bad length, character or padding) and -2 when
 * out of memory.
 */
long hv_b64_decode(const char *text, uint8_t **out);

#endif
