/*
 * Telnet input decoding for the console server: splits what a client sends
 * into data bytes for the guest and protocol events (option negotiation,
 * subnegotiation). RFC 854 (commands), RFC 1091 (TTYPE).
 */
#ifndef CORE_TELNET_H
#define CORE_TELNET_H

#include <stddef.h>
#include <stdint.h>

/* RFC 854 command codes. */
enum {
    TELNET_SE = 240,
    TELNET_SB = 250,
    TELNET_WILL = 251,
    TELNET_WONT = 252,
    TELNET_DO = 253,
    TELNET_DONT = 254,
    TELNET_IAC = 255,
};

/* Option codes: RFC 857, 858, 1091, 1184. */
enum {
    TELOPT_ECHO = 1,
    TELOPT_SGA = 3,
    TELOPT_TTYPE = 24,
    TELOPT_LINEMODE = 34,
};

enum { TELQUAL_IS = 0, TELQUAL_SEND = 1 }; /* RFC 1091 */

#define TELNET_SB_MAX 64 /* longer subnegotiations are truncated */

struct telnet_rx {
    int state;
    uint8_t cmd;
    int cr; /* the last data byte was CR */
    size_t sb_len;
    uint8_t sb[TELNET_SB_MAX];
};

/*
 * A protocol event: cmd is WILL/WONT/DO/DONT with its option (sb NULL), or
 * SB with the option in opt and the parameter bytes in sb/sb_len.
 */
typedef void (*telnet_event_fn)(void *arg, int cmd, int opt,
                                const uint8_t *sb, size_t sb_len);

void telnet_rx_init(struct telnet_rx *t);

/*
 * Decode n bytes into out (room for n bytes; never more comes out than
 * went in). IAC IAC gives one 0xFF; commands and subnegotiations are
 * removed (events go to fn, which may be NULL); CR LF and CR NUL give CR,
 * which is what a client in character mode sends for Enter (RFC 854,
 * "The NVT printer and keyboard"). Returns the number of data bytes.
 */
size_t telnet_rx_decode(struct telnet_rx *t, const uint8_t *in, size_t n,
                        uint8_t *out, telnet_event_fn fn, void *arg);

#endif
