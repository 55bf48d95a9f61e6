/* Base64, RFC 4648 §4. */
#include "hv/hv_b64.h"

#include <stdlib.h>
#include <string.h>

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *hv_b64_encode(const uint8_t *data, size_t len)
{
    char *out = malloc((len + 2) / 3 * 4 + 1);
    if (!out)
        return NULL;
    char *p = out;
    size_t i = 0;
    for (; i + 2 < len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 |
                     data[i + 2];
        *p++ = b64_alphabet[v >> 18];
        *p++ = b64_alphabet[(v >> 12) & 63];
        *p++ = b64_alphabet[(v >> 6) & 63];
        *p++ = b64_alphabet[v & 63];
    }
    if (i < len) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)data[i + 1] << 8;
        *p++ = b64_alphabet[v >> 18];
        *p++ = b64_alphabet[(v >> 12) & 63];
        *p++ = i + 1 < len ? b64_alphabet[(v >> 6) & 63] : '=';
        *p++ = '=';
    }
    *p = '\0';
    return out;
}

static int b64_value(char c)
{
    const char *p = c ? strchr(b64_alphabet, c) : NULL;
    return p ? (int)(p - b64_alphabet) : -1;
}

long hv_b64_decode(const char *text, uint8_t **out)
{
    *out = NULL;
    size_t n = strlen(text);
    if (n % 4)
        return -1;
    size_t pad = 0;
    if (n && text[n - 1] == '=')
        pad++;
    if (n > 1 && text[n - 2] == '=')
        pad++;
    uint8_t *buf = malloc(n / 4 * 3 + 1);
    if (!buf)
        return -2;
    size_t k = 0;
    for (size_t i = 0; i < n; i += 4) {
        int last = i + 4 == n;
        uint32_t v = 0;
        for (int j = 0; j < 4; j++) {
            char c = text[i + j];
            int d;
            if (c == '=' && last && j >= 4 - (int)pad)
                d = 0;
            else if ((d = b64_value(c)) < 0) {
                free(buf);
                return -1;
            }
            v = v << 6 | (uint32_t)d;
        }
        buf[k++] = (uint8_t)(v >> 16);
        if (!last || pad < 2)
            buf[k++] = (uint8_t)(v >> 8);
        if (!last || pad < 1)
            buf[k++] = (uint8_t)v;
    }
    *out = buf;
    return (long)k;
}
