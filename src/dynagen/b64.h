/*
 * Base64 (RFC 4648, standard alphabet, '=' padding), as the hypervisor
 * moves configurations (hypervisor.md §5.2.4).
 */
#ifndef DYNAGEN_B64_H
#define DYNAGEN_B64_H

#include <stddef.h>

/* New NUL-terminated string without line breaks. */
char *b64_encode(const unsigned char *data, size_t len);
/* Decode; blanks are skipped. Returns 0 (*out, *len; NUL-terminated) or -1. */
int b64_decode(const char *text, unsigned char **out, size_t *len);

#endif
