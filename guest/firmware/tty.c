/*
 * tty.c - the console: DUART channel A (c7200.md §9) with interrupt-driven
 * receive into a ring and polled transmit, and an IOS-like line editor.
 * On the 3600 family, 2691 and 37xx the console is channel A of an
 * NS16552 (c3600-c2691-c37xx.md §2.7): registers at an 8-byte stride,
 * IER bit 0 enables the receive interrupt (line 5), LSR bit 0 = data
 * ready, bit 5 = transmitter empty; reading IIR clears the line.
 *
 * Receive: IMR = RxRDYA; line 5 is raised while a character waits. The
 * handler drains RHRA while SRA.RxRDY (reading SRA also deasserts the line
 * on the reference, §9.1).
 * Transmit: SRA.TxRDY is polled before each THRA write (§9.2).
 *
 * Editing keys: Backspace/DEL, Ctrl-A/E (start/end), Ctrl-B/F and the
 * arrow keys (move), Ctrl-D (delete), Ctrl-K (kill to end), Ctrl-U/X
 * (erase line), Ctrl-W (erase word), Ctrl-P/N and up/down (history),
 * Ctrl-L/R (redraw), Tab (complete), '?' (help), Ctrl-C (abort the line),
 * Ctrl-Z (end of configuration).
 */
#include "fw.h"

#include "c7200.h"
#include "format.h"
#include "platform.h"

#define NS(off) MMIO32(plat.duart + (off))

static void rx_irq_enable(int on)
{
    if (plat.duart)
        NS(NS16552_IER) = on ? 0x01 : 0x00; /* §2.7: bit 0 RX ready */
    else
        IOFPGA_REG(DUART_IMR) = on ? 0x02 : 0x00; /* RxRDYA */
}

static int rx_ready(void)
{
    if (plat.duart)
        return NS(NS16552_LSR) & NS16552_LSR_DR;
    return IOFPGA_REG(DUART_SRA) & DUART_SR_RXRDY;
}

static uint8_t rx_char(void)
{
    return (uint8_t)((plat.duart ? NS(NS16552_RBR) : IOFPGA_REG(DUART_RHRA)) &
                     0xFF);
}

void tty_quiesce(void)
{
    rx_irq_enable(0);
}

#define RX_RING 512
static volatile uint8_t rx_ring[RX_RING];
static volatile uint32_t rx_head, rx_tail; /* head: ISR writes */
static int skip_lf;                        /* after a CR */
static volatile int rx_masked;             /* ring full: RxRDY masked */

void tty_init(void)
{
    rx_head = rx_tail = 0;
    /* Enable receiver and transmitter, then receive interrupts only:
     * output is polled, so TxRDY interrupts would only storm. */
    if (!plat.duart)
        IOFPGA_REG(DUART_CRA) = 0x05;
    rx_irq_enable(1);
}

void tty_rx_isr(void)
{
    if (plat.duart)
        (void)NS(NS16552_IIR); /* acknowledges the line */
    while (rx_ready()) {
        uint32_t next = (rx_head + 1) % RX_RING;
        if (next == rx_tail) {
            /* Ring full (a pasted configuration): leave the rest in the
             * DUART and mask its interrupt until the CLI catches up. */
            rx_irq_enable(0);
            rx_masked = 1;
            break;
        }
        rx_ring[rx_head] = rx_char();
        rx_head = next;
    }
}

int tty_rx_pending(void)
{
    return rx_head != rx_tail || rx_masked;
}

int tty_getc(void)
{
    if (rx_head == rx_tail) {
        if (rx_masked) {
            rx_masked = 0;
            rx_irq_enable(1);
        }
        return -1;
    }
    int c = rx_ring[rx_tail];
    rx_tail = (rx_tail + 1) % RX_RING;
    return c;
}

/* Waits for a character, running background work meanwhile. */
static int tty_getc_wait(void)
{
    for (;;) {
        int c = tty_getc();
        if (c >= 0)
            return c;
        fw_poll();
        if (!tty_rx_pending())
            sys_idle();
    }
}

int tty_abort_requested(void)
{
    int hit = 0;
    int c;
    while ((c = tty_getc()) >= 0) {
        if (c == 0x1E || c == 0x03)
            hit = 1;
    }
    return hit;
}

static void raw_putc(int c)
{
    if (plat.duart) {
        while ((NS(NS16552_LSR) & NS16552_LSR_THRE) == 0)
            ;
        NS(NS16552_THR) = (uint8_t)c;
        return;
    }
    while ((IOFPGA_REG(DUART_SRA) & DUART_SR_TXRDY) == 0)
        ;
    IOFPGA_REG(DUART_THRA) = (uint8_t)c;
}

void tty_putc(int c)
{
    if (filter_putc(c))
        return;
    if (c == '\n')
        raw_putc('\r');
    raw_putc(c);
}

void tty_write(const char *s)
{
    while (*s)
        tty_putc(*s++);
}

void tty_writen(const char *s, size_t n)
{
    while (n--)
        tty_putc(*s++);
}

static void fmt_put(void *ctx, int c)
{
    (void)ctx;
    tty_putc(c);
}

int tty_vprintf(const char *fmt, va_list ap)
{
    return vformat(fmt_put, NULL, fmt, ap);
}

int tty_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = tty_vprintf(fmt, ap);
    va_end(ap);
    return n;
}

/* ------------------------------------------------------------- history */

#define HIST_N 20
#define HIST_LEN 256
struct history {
    char lines[HIST_N][HIST_LEN];
    int count;   /* entries stored (<= HIST_N) */
    int newest;  /* index of the newest */
};
static struct history hists[2];

static void hist_add(struct history *h, const char *s, size_t n)
{
    if (n == 0)
        return;
    if (n >= HIST_LEN)
        n = HIST_LEN - 1;
    if (h->count) {
        const char *last = h->lines[h->newest];
        if (strlen(last) == n && memcmp(last, s, n) == 0)
            return;
    }
    h->newest = (h->newest + 1) % HIST_N;
    memcpy(h->lines[h->newest], s, n);
    h->lines[h->newest][n] = 0;
    if (h->count < HIST_N)
        h->count++;
}

/* k = 1: newest, 2: the one before, ... */
static const char *hist_get(struct history *h, int k)
{
    if (k < 1 || k > h->count)
        return NULL;
    return h->lines[(h->newest - (k - 1) + HIST_N) % HIST_N];
}

static int last_history; /* 1 exec, 2 config; 0 = exec */

void tty_history_show(void)
{
    struct history *h = &hists[last_history == 2];
    for (int k = h->count; k >= 1; k--)
        tty_printf("  %s\n", hist_get(h, k));
}

/* -------------------------------------------------------------- editor */

struct ed {
    const char *prompt;
    char *buf;
    size_t size, len, pos;
};

static void ed_back(size_t n)
{
    while (n--)
        raw_putc('\b');
}

/* Rewrites from the cursor to the end, erasing `extra` old cells. */
static void ed_tail(struct ed *e, size_t extra)
{
    tty_writen(e->buf + e->pos, e->len - e->pos);
    for (size_t i = 0; i < extra; i++)
        raw_putc(' ');
    ed_back(e->len - e->pos + extra);
}

static void ed_redraw(struct ed *e)
{
    tty_write(e->prompt);
    tty_writen(e->buf, e->len);
    ed_back(e->len - e->pos);
}

static void ed_kill_line(struct ed *e)
{
    ed_back(e->pos);
    for (size_t i = 0; i < e->len; i++)
        raw_putc(' ');
    ed_back(e->len);
    e->len = e->pos = 0;
}

static void ed_set(struct ed *e, const char *s)
{
    ed_kill_line(e);
    size_t n = strlen(s);
    if (n >= e->size)
        n = e->size - 1;
    memcpy(e->buf, s, n);
    e->len = e->pos = n;
    tty_writen(e->buf, n);
}

static void ed_insert(struct ed *e, char c)
{
    if (e->len + 1 >= e->size) {
        raw_putc('\a');
        return;
    }
    memmove(e->buf + e->pos + 1, e->buf + e->pos, e->len - e->pos);
    e->buf[e->pos] = c;
    e->len++;
    raw_putc(c);
    e->pos++;
    if (e->pos < e->len)
        ed_tail(e, 0);
}

static void ed_delete(struct ed *e, size_t at, size_t n)
{
    /* cursor is at `at` */
    memmove(e->buf + at, e->buf + at + n, e->len - at - n);
    e->len -= n;
    ed_tail(e, n);
}

/* The line being edited, for output that arrives meanwhile. */
static struct ed *cur_ed;

void tty_async_begin(void)
{
    if (cur_ed)
        tty_putc('\n');
}

void tty_async_end(void)
{
    if (cur_ed)
        ed_redraw(cur_ed);
}

static int readline_inner(struct ed *ep, tty_help_fn help,
                          tty_complete_fn complete, int history);

int tty_readline(const char *prompt, char *buf, size_t size,
                 tty_help_fn help, tty_complete_fn complete, int history)
{
    struct ed e = {prompt, buf, size, 0, 0};
    struct ed *saved = cur_ed;
    cur_ed = &e;
    int r = readline_inner(&e, help, complete, history);
    cur_ed = saved;
    return r;
}

static int readline_inner(struct ed *ep, tty_help_fn help,
                          tty_complete_fn complete, int history)
{
    char *buf = ep->buf;
    struct history *h = history ? &hists[history == 2] : NULL;
    int hk = 0; /* history position while browsing */
    int esc = 0;

    if (history)
        last_history = history;
    tty_write(ep->prompt);
    for (;;) {
        int c = tty_getc_wait();

        if (skip_lf) {
            skip_lf = 0;
            if (c == '\n' || c == 0)
                continue;
        }
        if (esc == 1) {
            esc = (c == '[' || c == 'O') ? 2 : 0;
            continue;
        }
        if (esc == 2) {
            esc = 0;
            switch (c) {
            case 'A': c = 0x10; break;
            case 'B': c = 0x0E; break;
            case 'C': c = 0x06; break;
            case 'D': c = 0x02; break;
            default: continue;
            }
        }
        switch (c) {
        case '\r':
            skip_lf = 1;
            /* fall through */
        case '\n':
            tty_putc('\n');
            buf[ep->len] = 0;
            if (h)
                hist_add(h, buf, ep->len);
            return (int)ep->len;
        case 0x1B:
            esc = 1;
            break;
        case 0x08:
        case 0x7F:
            if (ep->pos > 0) {
                ep->pos--;
                raw_putc('\b');
                ed_delete(ep, ep->pos, 1);
            }
            break;
        case 0x04: /* ^D */
            if (ep->pos < ep->len)
                ed_delete(ep, ep->pos, 1);
            break;
        case 0x0B: /* ^K */
            if (ep->pos < ep->len) {
                size_t n = ep->len - ep->pos;
                ep->len = ep->pos;
                ed_tail(ep, n);
            }
            break;
        case 0x15: /* ^U */
        case 0x18: /* ^X */
            ed_kill_line(ep);
            break;
        case 0x17: { /* ^W */
            size_t p = ep->pos;
            while (p > 0 && buf[p - 1] == ' ')
                p--;
            while (p > 0 && buf[p - 1] != ' ')
                p--;
            size_t n = ep->pos - p;
            if (n) {
                ed_back(n);
                ep->pos = p;
                ed_delete(ep, p, n);
            }
            break;
        }
        case 0x01: /* ^A */
            ed_back(ep->pos);
            ep->pos = 0;
            break;
        case 0x05: /* ^E */
            tty_writen(buf + ep->pos, ep->len - ep->pos);
            ep->pos = ep->len;
            break;
        case 0x02: /* ^B, left */
            if (ep->pos > 0) {
                ep->pos--;
                raw_putc('\b');
            }
            break;
        case 0x06: /* ^F, right */
            if (ep->pos < ep->len)
                raw_putc(buf[ep->pos++]);
            break;
        case 0x10: /* ^P, up */
            if (h && hist_get(h, hk + 1)) {
                hk++;
                ed_set(ep, hist_get(h, hk));
            } else {
                raw_putc('\a');
            }
            break;
        case 0x0E: /* ^N, down */
            if (h && hk > 1) {
                hk--;
                ed_set(ep, hist_get(h, hk));
            } else if (h && hk == 1) {
                hk = 0;
                ed_kill_line(ep);
            } else {
                raw_putc('\a');
            }
            break;
        case 0x0C: /* ^L */
        case 0x12: /* ^R */
            tty_putc('\n');
            ed_redraw(ep);
            break;
        case 0x03: /* ^C */
            tty_write("^C\n");
            buf[0] = 0;
            return -1;
        case 0x1A: /* ^Z */
            tty_write("^Z\n");
            buf[0] = 0;
            return -2;
        case '\t':
            if (complete && ep->pos == ep->len) {
                size_t n = complete(buf, ep->len, ep->size);
                if (n != ep->len) {
                    tty_writen(buf + ep->len, n - ep->len);
                    ep->len = ep->pos = n;
                } else {
                    /* nothing unique: IOS redisplays the line */
                    tty_putc('\n');
                    ed_redraw(ep);
                }
            }
            break;
        case '?':
            if (help) {
                raw_putc('?');
                tty_putc('\n');
                help(buf, ep->pos);
                ed_redraw(ep);
                break;
            }
            ed_insert(ep, (char)c);
            break;
        default:
            if (c >= 0x20 && c < 0x7F)
                ed_insert(ep, (char)c);
            break;
        }
    }
}


/* A single key, for [confirm] prompts. */
int tty_getkey(void)
{
    for (;;) {
        int c = tty_getc_wait();
        if (skip_lf) {
            skip_lf = 0;
            if (c == '\n' || c == 0)
                continue;
        }
        if (c == '\r')
            skip_lf = 1;
        return c;
    }
}

/* A password: nothing is echoed. Returns the length, -1 on Ctrl-C. */
int tty_readpass(const char *prompt, char *buf, size_t size)
{
    size_t n = 0;
    tty_write(prompt);
    for (;;) {
        int c = tty_getkey();
        if (c == '\r' || c == '\n') {
            tty_putc('\n');
            buf[n] = 0;
            return (int)n;
        }
        if (c == 0x03) {
            tty_putc('\n');
            buf[0] = 0;
            return -1;
        }
        if (c == 0x08 || c == 0x7F) {
            if (n)
                n--;
        } else if (c == 0x15) {
            n = 0;
        } else if (c >= 0x20 && c < 0x7F && n + 1 < size) {
            buf[n++] = (char)c;
        }
    }
}
