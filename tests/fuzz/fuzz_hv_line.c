/*
 * libFuzzer target for hypervisor request lines: the tokenizer
 * (hv/hv_parse, hypervisor.md §2.1-2.2) and the reply builder (§3.1).
 * Build and run with tests/fuzz/run.sh.
 *
 * Input: one request line (any bytes). Properties checked, beyond "no
 * crash, no sanitizer report":
 *   - the result (tokens or one of the two §2.2 errors) equals that of
 *     an independent character-at-a-time statement of the rules;
 *   - tokens are non-empty and hold no '"', CR, LF or NUL;
 *   - only what precedes the first CR/LF/NUL matters;
 *   - a reply built from the tokens is well framed: every line is
 *     "ddd<sep>text\r\n", the last one (only) with '-'.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv_parse.h"
#include "hv/hv_reply.h"

#define CHECK(c)                                                              \
    do {                                                                      \
        if (!(c)) {                                                           \
            __builtin_trap();                                                 \
        }                                                                     \
    } while (0)

static size_t scan_len(const uint8_t *d, size_t n)
{
    size_t i = 0;
    while (i < n && d[i] != '\r' && d[i] != '\n' && d[i] != '\0')
        i++;
    return i;
}

static void check_reply(const struct hv_tokens *t, int code)
{
    struct hv_reply r;
    hv_reply_init(&r);
    for (int i = 0; i < t->argc; i++)
        hv_reply_info(&r, "arg %d: \"%s\"", i, t->argv[i]);
    if (code)
        hv_reply_final(&r, code, "%s", t->argc ? t->argv[0] : "OK");
    hv_reply_finish(&r);
    size_t n;
    const char *d = hv_reply_data(&r, &n);
    size_t finals = 0, pos = 0;
    while (pos < n) {
        const char *crlf = memchr(d + pos, '\r', n - pos);
        CHECK(crlf && crlf + 1 < d + n && crlf[1] == '\n');
        size_t len = (size_t)(crlf - (d + pos));
        CHECK(len >= 4);
        for (int k = 0; k < 3; k++)
            CHECK(d[pos + k] >= '0' && d[pos + k] <= '9');
        CHECK(d[pos + 3] == '-' || d[pos + 3] == ' ');
        CHECK(!memchr(d + pos, '\n', len));
        if (d[pos + 3] == '-') {
            finals++;
            CHECK(pos + len + 2 == n); /* the final line is the last */
        }
        pos += len + 2;
    }
    CHECK(finals == 1);
    hv_reply_free(&r);
}

/*
 * An independent statement of the §2.2 rules, one character at a time:
 * fills tok[] (NUL-separated) and returns the token count, or -1/-2 for
 * the two errors.
 */
enum { S_BLANK, S_WORD, S_QUOTED };

static int oracle(const uint8_t *d, size_t n, char *tok, size_t *ntok_bytes)
{
    int state = S_BLANK, count = 0;
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        int end = i == n;
        uint8_t c = end ? 0 : d[i];
        switch (state) {
        case S_BLANK:
            if (end || c == '#' || c == '!')
                goto done;
            if (c == ' ' || c == '\t')
                break;
            if (c == '"') {
                state = S_QUOTED;
                start = k;
                break;
            }
            state = S_WORD;
            tok[k++] = (char)c;
            break;
        case S_WORD:
            if (c == '"')
                return -1;
            if (end || c == ' ' || c == '\t' || c == '#' || c == '!') {
                tok[k++] = 0;
                count++;
                state = S_BLANK;
                if (end || c == '#' || c == '!')
                    goto done;
                break;
            }
            tok[k++] = (char)c;
            break;
        case S_QUOTED:
            if (end)
                return -2;
            if (c == '"') {
                if (k > start) {
                    tok[k++] = 0;
                    count++;
                }
                state = S_BLANK;
                break;
            }
            tok[k++] = (char)c;
            break;
        }
    }
done:
    *ntok_bytes = k;
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hv_tokens t;
    int rc = hv_tokenize((const char *)data, size, &t);
    size_t n = scan_len(data, size);

    /* What follows the scan end never matters. */
    struct hv_tokens t2;
    int rc2 = hv_tokenize((const char *)data, n, &t2);
    CHECK(rc == rc2);

    if (rc != HV_PARSE_OK) {
        CHECK(rc == HV_PARSE_QUOTE || rc == HV_PARSE_EOL);
        char *tok = malloc(2 * n + 2);
        size_t tb;
        CHECK(oracle(data, n, tok, &tb) == (rc == HV_PARSE_QUOTE ? -1 : -2));
        free(tok);
        CHECK(t.argc == 0 && t.argv == NULL);
        return 0;
    }
    CHECK(t.argc == t2.argc);
    CHECK(t.argv[t.argc] == NULL);
    char *tok = malloc(2 * n + 2);
    size_t tb;
    int want = oracle(data, n, tok, &tb);
    CHECK(want == t.argc);
    size_t off = 0;
    for (int i = 0; i < t.argc; i++) {
        CHECK(strlen(t.argv[i]) > 0);
        CHECK(strcmp(t.argv[i], t2.argv[i]) == 0);
        CHECK(!strpbrk(t.argv[i], "\"\r\n"));
        CHECK(strcmp(t.argv[i], tok + off) == 0);
        off += strlen(tok + off) + 1;
    }
    free(tok);
    check_reply(&t, size ? 100 + data[0] % 116 : 0);
    hv_tokens_free(&t);
    hv_tokens_free(&t2);
    return 0;
}
