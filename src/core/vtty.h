/*
 * Virtual terminals: the host side of a router's console and AUX ports.
 *
 * A vtty is either the host terminal (stdin/stdout, raw mode when stdin is a
 * tty) or a TCP telnet server (any number of clients share the port, all
 * see the output and may type). Output from the guest goes out at once;
 * input bytes are queued and the owner is notified, so a UART model can
 * raise its interrupt without polling.
 *
 * Thread model: vtty_put/vtty_getc/vtty_has_input are callable from any
 * thread (the CPU thread); sockets live on the process event loop.
 */
#ifndef CORE_VTTY_H
#define CORE_VTTY_H

#include <stddef.h>

struct evloop;
struct logger;
struct vtty;

enum vtty_type {
    VTTY_NONE = 0, /* output discarded, no input */
    VTTY_TERM,     /* host terminal on stdin/stdout */
    VTTY_TCP,      /* telnet server on a TCP port */
};

struct vtty_config {
    enum vtty_type type;
    int tcp_port;              /* VTTY_TCP */
    const char *bind_addr;     /* VTTY_TCP; NULL = 127.0.0.1 */
    int noctrl;                /* Ctrl-] is passed through as data */
    int notelnetmsg;           /* no greeting on connect */
    const char *vm_name;       /* greeting text */
    int vm_id;
    const char *platform;      /* e.g. "c7200" */
    const char *port_name;     /* "Console" or "AUX" */
};

/*
 * Monitor keys: after Ctrl-] the next key is handed to this callback
 * (unless noctrl). Ctrl-] twice sends one Ctrl-] to the guest.
 */
typedef void (*vtty_monitor_fn)(void *arg, struct vtty *vt, int key);
typedef void (*vtty_notify_fn)(void *arg);

/* Returns NULL and sets errno (EADDRINUSE...) on failure; logs why. */
struct vtty *vtty_create(struct evloop *ev, const struct vtty_config *cfg,
                         struct logger *lg);
void vtty_destroy(struct vtty *vt);

/* Guest output (any thread). */
void vtty_put(struct vtty *vt, const void *buf, size_t len);
static inline void vtty_putc(struct vtty *vt, int c)
{
    unsigned char b = (unsigned char)c;
    vtty_put(vt, &b, 1);
}
/* Text for the user, not from the guest (monitor menu replies). */
void vtty_print(struct vtty *vt, const char *text);

/* Guest input (any thread): next byte, or -1 when the queue is empty. */
int vtty_getc(struct vtty *vt);
int vtty_has_input(struct vtty *vt);
/* Inject bytes as if typed (hypervisor send_con_msg, tests). */
void vtty_inject(struct vtty *vt, const void *buf, size_t len);

/* Called on the event-loop thread each time input bytes are queued. */
void vtty_set_notify(struct vtty *vt, vtty_notify_fn fn, void *arg);
void vtty_set_monitor(struct vtty *vt, vtty_monitor_fn fn, void *arg);

/* Bound TCP port (VTTY_TCP), else -1. */
int vtty_tcp_port(const struct vtty *vt);

/* Restore the host terminal mode (VTTY_TERM); safe to call twice. */
void vtty_term_restore(struct vtty *vt);

#endif
