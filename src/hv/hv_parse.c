/* Request-line tokenizer, rules of hypervisor.md §2.1-2.2. */
#include "hv/hv_parse.h"

#include <stdlib.h>
#include <string.h>

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* CR, LF and NUL end the token scan (§2.1). */
static int is_end(char c)
{
    return c == '\r' || c == '\n' || c == '\0';
}

static int is_comment(char c)
{
    return c == '#' || c == '!';
}

int hv_tokenize(const char *line, size_t len, struct hv_tokens *t)
{
    memset(t, 0, sizeof(*t));
    /* The scan stops at the first CR/LF/NUL: nothing after it matters. */
    size_t n = 0;
    while (n < len && !is_end(line[n]))
        n++;

    /* At most one token per two input bytes, plus the NULL. */
    char *buf = malloc(n + 1);
    char **argv = malloc((n / 2 + 2) * sizeof(*argv));
    if (!buf || !argv) {
        free(buf);
        free(argv);
        return HV_PARSE_NOMEM;
    }
    memcpy(buf, line, n);
    buf[n] = '\0';

    int argc = 0, rc = HV_PARSE_OK;
    size_t i = 0;
    while (i < n) {
        char c = buf[i];
        if (is_blank(c)) {
            i++;
            continue;
        }
        if (is_comment(c))
            break;
        if (c == '"') {
            char *close = memchr(buf + i + 1, '"', n - i - 1);
            if (!close) {
                rc = HV_PARSE_EOL;
                break;
            }
            size_t end = (size_t)(close - buf);
            buf[end] = '\0';
            if (end > i + 1) /* "" is no token at all (§2.2) */
                argv[argc++] = buf + i + 1;
            i = end + 1; /* a closing quote ends the token, blank or not */
            continue;
        }
        /* Unquoted word: up to a blank, a comment mark or the end. */
        size_t start = i;
        while (i < n && !is_blank(buf[i]) && !is_comment(buf[i]) &&
               buf[i] != '"')
            i++;
        if (i < n && buf[i] == '"') {
            rc = HV_PARSE_QUOTE;
            break;
        }
        int comment = i < n && is_comment(buf[i]);
        if (i < n)
            buf[i++] = '\0';
        argv[argc++] = buf + start;
        if (comment)
            break;
    }
    if (rc != HV_PARSE_OK) {
        free(buf);
        free(argv);
        return rc;
    }
    argv[argc] = NULL;
    t->argc = argc;
    t->argv = argv;
    t->buf = buf;
    return HV_PARSE_OK;
}

void hv_tokens_free(struct hv_tokens *t)
{
    free(t->argv);
    free(t->buf);
    memset(t, 0, sizeof(*t));
}

const char *hv_parse_strerror(int err)
{
    switch (err) {
    case HV_PARSE_QUOTE:
        return "Parse error: unexpected quote";
    case HV_PARSE_EOL:
        return "Parse error: unexpected end of line";
    case HV_PARSE_NOMEM:
        return "Parse error: out of memory";
    default:
        return "Parse error";
    }
}
