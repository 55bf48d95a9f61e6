/*
 * Tokenizer of hypervisor request lines (hypervisor.md §2.1-2.2).
 *
 * Blanks (space, TAB) separate tokens; "..." is one token taken literally
 * (no escapes; an empty "" yields no token); # and ! outside quotes start a
 * comment; CR, LF and NUL end the scan. Pure function of its input, no
 * allocation beyond the token vector: the fuzz target drives it directly.
 */
#ifndef HV_PARSE_H
#define HV_PARSE_H

#include <stddef.h>

enum hv_parse_error {
    HV_PARSE_OK = 0,
    HV_PARSE_QUOTE = -1, /* a quote inside an unquoted word */
    HV_PARSE_EOL = -2,   /* an unterminated quote */
    HV_PARSE_NOMEM = -3,
};

struct hv_tokens {
    int argc;
    char **argv; /* argc entries, then NULL; point into buf */
    char *buf;
};

/*
 * Split line[0..len) into tokens. On HV_PARSE_OK, t holds the tokens (free
 * with hv_tokens_free); on an error t is empty and needs no freeing.
 */
int hv_tokenize(const char *line, size_t len, struct hv_tokens *t);
void hv_tokens_free(struct hv_tokens *t);

/* Text of a parse error as the reply carries it after "200-". */
const char *hv_parse_strerror(int err);

#endif
