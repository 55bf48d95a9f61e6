/* Telnet input decoding (see telnet.h). */
#include "core/telnet.h"

#include <string.h>

enum {
    ST_DATA,
    ST_IAC,    /* after IAC */
    ST_OPT,    /* after IAC WILL/WONT/DO/DONT: the option byte */
    ST_SB,     /* inside IAC SB ... */
    ST_SB_IAC, /* IAC inside a subnegotiation */
};

void telnet_rx_init(struct telnet_rx *t)
{
    memset(t, 0, sizeof(*t));
    t->state = ST_DATA;
}

static size_t emit(struct telnet_rx *t, uint8_t c, uint8_t *out, size_t o)
{
    if (t->cr && (c == '\n' || c == '\0')) {
        t->cr = 0; /* second half of an end of line */
        return o;
    }
    t->cr = c == '\r';
    out[o++] = c;
    return o;
}

static void sb_add(struct telnet_rx *t, uint8_t c)
{
    if (t->sb_len < TELNET_SB_MAX) {
        t->sb[t->sb_len++] = c;
    }
}

size_t telnet_rx_decode(struct telnet_rx *t, const uint8_t *in, size_t n,
                        uint8_t *out, telnet_event_fn fn, void *arg)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = in[i];
        switch (t->state) {
        case ST_DATA:
            if (c == TELNET_IAC) {
                t->state = ST_IAC;
            } else {
                o = emit(t, c, out, o);
            }
            break;
        case ST_IAC:
            t->state = ST_DATA;
            if (c == TELNET_IAC) {
                o = emit(t, c, out, o);
            } else if (c >= TELNET_WILL) {
                t->cmd = c;
                t->state = ST_OPT;
            } else if (c == TELNET_SB) {
                t->sb_len = 0;
                t->state = ST_SB;
            }
            /* Other commands (NOP, GA, AYT, a stray SE...) carry nothing. */
            break;
        case ST_OPT:
            t->state = ST_DATA;
            if (fn) {
                fn(arg, t->cmd, c, NULL, 0);
            }
            break;
        case ST_SB:
            if (c == TELNET_IAC) {
                t->state = ST_SB_IAC;
            } else {
                sb_add(t, c);
            }
            break;
        case ST_SB_IAC:
            if (c == TELNET_IAC) {
                sb_add(t, c);
                t->state = ST_SB;
            } else {
                /* SE ends it; anything else is a broken client: end too. */
                t->state = ST_DATA;
                if (fn && t->sb_len) {
                    fn(arg, TELNET_SB, t->sb[0], t->sb + 1, t->sb_len - 1);
                }
            }
            break;
        }
    }
    return o;
}
