/*
 * SCN2681 DUART: register pokes against c7200.md §9 (observed values
 * included) and the level interrupt model. The vtty is a fake defined here:
 * it records output and queues input, and keeps the notify callback so a
 * test can play the event loop.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/vtty.h"
#include "dev/scn2681.h"
#include "irq_harness.h"

/* ---------------------------------------------------------- fake vtty */
struct vtty {
    pthread_mutex_t lock;
    unsigned char out[256];
    size_t out_len;
    unsigned char in[256];
    size_t in_head, in_tail;
    vtty_notify_fn notify;
    void *notify_arg;
};

void vtty_put(struct vtty *vt, const void *buf, size_t len)
{
    pthread_mutex_lock(&vt->lock);
    for (size_t i = 0; i < len && vt->out_len < sizeof(vt->out); i++) {
        vt->out[vt->out_len++] = ((const unsigned char *)buf)[i];
    }
    pthread_mutex_unlock(&vt->lock);
}

int vtty_getc(struct vtty *vt)
{
    int c = -1;
    pthread_mutex_lock(&vt->lock);
    if (vt->in_head != vt->in_tail) {
        c = vt->in[vt->in_head++ % sizeof(vt->in)];
    }
    pthread_mutex_unlock(&vt->lock);
    return c;
}

int vtty_has_input(struct vtty *vt)
{
    pthread_mutex_lock(&vt->lock);
    int r = vt->in_head != vt->in_tail;
    pthread_mutex_unlock(&vt->lock);
    return r;
}

void vtty_set_notify(struct vtty *vt, vtty_notify_fn fn, void *arg)
{
    vt->notify = fn;
    vt->notify_arg = arg;
}

/* Types bytes and runs the notify callback, as the event loop would. */
static void fake_type(struct vtty *vt, const char *s)
{
    pthread_mutex_lock(&vt->lock);
    for (; *s; s++) {
        vt->in[vt->in_tail++ % sizeof(vt->in)] = (unsigned char)*s;
    }
    pthread_mutex_unlock(&vt->lock);
    if (vt->notify) {
        vt->notify(vt->notify_arg);
    }
}

/* ---------------------------------------------------------- fixture */
struct fx {
    struct vtty con, aux;
    struct irq_log irq;
    struct scn2681 *s;
};

static int setup(void **state)
{
    struct fx *f = test_calloc(1, sizeof(*f));
    pthread_mutex_init(&f->con.lock, NULL);
    pthread_mutex_init(&f->aux.lock, NULL);
    struct irq_line l = {irq_log_set, &f->irq, 5};
    f->s = scn2681_create(&f->con, &f->aux, l, NULL);
    assert_non_null(f->s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    scn2681_destroy(f->s);
    assert_null(f->con.notify);
    assert_null(f->aux.notify);
    test_free(f);
    return 0;
}

/* ---------------------------------------------------------- tests */
static void test_reset_values_observed(void **state)
{
    struct fx *f = *state;
    /* c7200.md §9: SRA 0x04 with no input, SRB likewise, ISR 0x00 (IMR 0). */
    assert_int_equal(scn2681_read(f->s, SCN2681_SRA), 0x04);
    assert_int_equal(scn2681_read(f->s, SCN2681_SRB), 0x04);
    assert_int_equal(scn2681_read(f->s, SCN2681_ISR), 0x00);
    assert_int_equal(f->irq.level, 0);
    assert_int_equal(f->irq.calls, 0);
}

static void test_notify_registered(void **state)
{
    struct fx *f = *state;
    assert_non_null(f->con.notify);
    assert_ptr_equal(f->con.notify_arg, f->s);
    assert_non_null(f->aux.notify);
}

static void test_transmit_immediate(void **state)
{
    struct fx *f = *state;
    scn2681_write(f->s, SCN2681_RHRA, 'h');
    scn2681_write(f->s, SCN2681_RHRA, 'i');
    scn2681_write(f->s, SCN2681_RHRB, 'x');
    assert_int_equal(f->con.out_len, 2);
    assert_memory_equal(f->con.out, "hi", 2);
    assert_int_equal(f->aux.out_len, 1);
    assert_int_equal(f->aux.out[0], 'x');
    /* Transmitter never enabled: output still goes out (§9.4). */
    assert_int_equal(scn2681_read(f->s, SCN2681_SRA) & SCN2681_SR_TXRDY,
                     SCN2681_SR_TXRDY);
}

static void test_receive_disabled_console(void **state)
{
    struct fx *f = *state;
    scn2681_write(f->s, SCN2681_ISR, SCN2681_INT_RXRDYA);
    fake_type(&f->con, "a");
    /* SR shows the byte, but no ISR bit and no interrupt (§9.4). */
    assert_int_equal(scn2681_read(f->s, SCN2681_SRA), 0x05);
    assert_int_equal(scn2681_read(f->s, SCN2681_ISR), 0x00);
    assert_int_equal(f->irq.level, 0);
    assert_int_equal(scn2681_read(f->s, SCN2681_RHRA), 'a');
    assert_int_equal(scn2681_read(f->s, SCN2681_SRA), 0x04);
}

static void test_receive_interrupt(void **state)
{
    struct fx *f = *state;
    scn2681_set_rx_enable(f->s, 1);
    scn2681_write(f->s, SCN2681_ISR, SCN2681_INT_RXRDYA);
    assert_int_equal(f->irq.level, 0);

    fake_type(&f->con, "ok");
    assert_int_equal(f->irq.level, 1);
    assert_int_equal(f->irq.line, 5);
    assert_int_equal(scn2681_read(f->s, SCN2681_ISR), SCN2681_INT_RXRDYA);
    /* Reading SRA has no side effect in the level model. */
    assert_int_equal(scn2681_read(f->s, SCN2681_SRA), 0x05);
    assert_int_equal(f->irq.level, 1);

    assert_int_equal(scn2681_read(f->s, SCN2681_RHRA), 'o');
    assert_int_equal(f->irq.level, 1); /* 'k' still waiting */
    assert_int_equal(scn2681_read(f->s, SCN2681_RHRA), 'k');
    assert_int_equal(f->irq.level, 0);
    assert_int_equal(scn2681_read(f->s, SCN2681_ISR), 0x00);
    /* Empty FIFO reads 0. */
    assert_int_equal(scn2681_read(f->s, SCN2681_RHRA), 0);
}

static void test_receive_masked_and_channel_b(void **state)
{
    struct fx *f = *state;
    scn2681_set_rx_enable(f->s, 1);
    fake_type(&f->aux, "z");
    /* ISR shows RxRDYB (unmasked status), line stays low with IMR 0. */
    assert_int_equal(scn2681_read(f->s, SCN2681_ISR), SCN2681_INT_RXRDYB);
    assert_int_equal(f->irq.level, 0);
    scn2681_write(f->s, SCN2681_ISR, SCN2681_INT_RXRDYA);
    assert_int_equal(f->irq.level, 0);
    scn2681_write(f->s, SCN2681_ISR, SCN2681_INT_RXRDYB);
    assert_int_equal(f->irq.level, 1);
    assert_int_equal(scn2681_read(f->s, SCN2681_SRB), 0x05);
    assert_int_equal(scn2681_read(f->s, SCN2681_SRA), 0x04);
    assert_int_equal(scn2681_read(f->s, SCN2681_RHRB), 'z');
    assert_int_equal(f->irq.level, 0);
}

static void test_enable_after_input(void **state)
{
    struct fx *f = *state;
    scn2681_write(f->s, SCN2681_ISR, SCN2681_INT_RXRDYA);
    fake_type(&f->con, "q");
    assert_int_equal(f->irq.level, 0);
    scn2681_set_rx_enable(f->s, 1); /* bay-0 card appears: line follows */
    assert_int_equal(f->irq.level, 1);
    scn2681_set_rx_enable(f->s, 0);
    assert_int_equal(f->irq.level, 0);
}

static void test_txrdy_interrupt(void **state)
{
    struct fx *f = *state;
    scn2681_set_rx_enable(f->s, 1);
    scn2681_write(f->s, SCN2681_ISR, SCN2681_INT_TXRDYA);
    assert_int_equal(f->irq.level, 0); /* transmitter still disabled */

    scn2681_write(f->s, SCN2681_CRA, 0x05); /* enable rx + tx */
    assert_int_equal(scn2681_read(f->s, SCN2681_ISR), SCN2681_INT_TXRDYA);
    assert_int_equal(f->irq.level, 1);
    /* Output is immediate, so TxRDY stays while IOS keeps it unmasked. */
    scn2681_write(f->s, SCN2681_RHRA, 'x');
    assert_int_equal(f->irq.level, 1);
    /* IOS masks TxRDY when it has nothing left to send. */
    scn2681_write(f->s, SCN2681_ISR, 0);
    assert_int_equal(f->irq.level, 0);
    scn2681_write(f->s, SCN2681_ISR, SCN2681_INT_TXRDYA);
    assert_int_equal(f->irq.level, 1);
    /* CRA bit 3: disable transmitter -> TxRDY source gone. */
    scn2681_write(f->s, SCN2681_CRA, 0x08);
    assert_int_equal(scn2681_read(f->s, SCN2681_ISR), 0x00);
    assert_int_equal(f->irq.level, 0);
    /* SR.TxRDY stays 1 for polled output (§9.2). */
    assert_int_equal(scn2681_read(f->s, SCN2681_SRA), 0x04);

    /* Channel B, and the "reset transmitter" command. */
    scn2681_write(f->s, SCN2681_ISR, SCN2681_INT_TXRDYB);
    scn2681_write(f->s, SCN2681_CRB, 0x04);
    assert_int_equal(scn2681_read(f->s, SCN2681_ISR), SCN2681_INT_TXRDYB);
    assert_int_equal(f->irq.level, 1);
    scn2681_write(f->s, SCN2681_CRB, 0x30);
    assert_int_equal(f->irq.level, 0);
}

static void test_txrdy_gated_by_console_enable(void **state)
{
    struct fx *f = *state;
    scn2681_write(f->s, SCN2681_CRA, 0x04);
    scn2681_write(f->s, SCN2681_ISR, SCN2681_INT_TXRDYA);
    assert_int_equal(f->irq.level, 0); /* §9.4: no I/O card in bay 0 */
    scn2681_set_rx_enable(f->s, 1);
    assert_int_equal(f->irq.level, 1);
}

static void test_mr_pointer(void **state)
{
    struct fx *f = *state;
    scn2681_write(f->s, SCN2681_MRA, 0x13); /* MR1A */
    scn2681_write(f->s, SCN2681_MRA, 0x07); /* MR2A */
    scn2681_write(f->s, SCN2681_MRA, 0x0F); /* MR2A again */
    scn2681_write(f->s, SCN2681_CRA, 0x10); /* reset MR pointer */
    assert_int_equal(scn2681_read(f->s, SCN2681_MRA), 0x13);
    assert_int_equal(scn2681_read(f->s, SCN2681_MRA), 0x0F);
    assert_int_equal(scn2681_read(f->s, SCN2681_MRA), 0x0F);
    /* Channel B has its own pointer. */
    scn2681_write(f->s, SCN2681_MRB, 0x93);
    scn2681_write(f->s, SCN2681_CRB, 0x10);
    assert_int_equal(scn2681_read(f->s, SCN2681_MRB), 0x93);
}

static void test_misc_registers(void **state)
{
    struct fx *f = *state;
    scn2681_write(f->s, SCN2681_CTU, 0x12);
    scn2681_write(f->s, SCN2681_CTL, 0x34);
    assert_int_equal(scn2681_read(f->s, SCN2681_CTU), 0x12);
    assert_int_equal(scn2681_read(f->s, SCN2681_CTL), 0x34);
    scn2681_write(f->s, SCN2681_IPCR, 0xFF); /* ACR */
    assert_int_equal(scn2681_read(f->s, SCN2681_IPCR), 0);
    scn2681_write(f->s, SCN2681_START, 0xF0); /* set output bits */
    scn2681_write(f->s, SCN2681_STOP, 0x30);  /* reset output bits */
    assert_int_equal(scn2681_read(f->s, SCN2681_START), 0);
    /* Reserved and nonexistent registers: 0, no crash. */
    assert_int_equal(scn2681_read(f->s, SCN2681_RSVD), 0);
    assert_int_equal(scn2681_read(f->s, 16), 0);
    assert_int_equal(scn2681_read(f->s, 1000), 0);
    scn2681_write(f->s, 16, 0xAA);
    scn2681_write(f->s, SCN2681_RSVD, 0xAA);
    assert_string_equal(scn2681_reg_name(SCN2681_SRA, 0), "SRA");
    assert_string_equal(scn2681_reg_name(SCN2681_SRA, 1), "CSRA");
    assert_string_equal(scn2681_reg_name(99, 0), "?");
}

static void test_reset(void **state)
{
    struct fx *f = *state;
    scn2681_set_rx_enable(f->s, 1);
    scn2681_write(f->s, SCN2681_CRA, 0x04);
    scn2681_write(f->s, SCN2681_ISR, 0xFF);
    assert_int_equal(f->irq.level, 1);
    scn2681_reset(f->s);
    assert_int_equal(f->irq.level, 0);
    assert_int_equal(scn2681_read(f->s, SCN2681_ISR), 0);
    assert_int_equal(scn2681_irq_level(f->s), 0);
}

static void test_null_vttys(void **state)
{
    (void)state;
    struct scn2681 *s = scn2681_create(NULL, NULL, (struct irq_line){0}, NULL);
    assert_non_null(s);
    scn2681_set_rx_enable(s, 1);
    scn2681_write(s, SCN2681_RHRA, 'x');
    assert_int_equal(scn2681_read(s, SCN2681_RHRA), 0);
    assert_int_equal(scn2681_read(s, SCN2681_SRA), 0x04);
    scn2681_poll_input(s);
    scn2681_destroy(s);
}

static void test_fields_list(void **state)
{
    (void)state;
    int n = 0;
    for (const struct dev_field *fl = scn2681_fields; fl->name; fl++) {
        assert_true(fl->size > 0);
        n++;
    }
    assert_true(n > 10);
}

/* Event-loop thread typing while the CPU thread reads: no lost byte, no
 * data race reported by the sanitizers, line ends low. */
struct typer {
    struct fx *f;
    int count;
};

static void *typer_main(void *arg)
{
    struct typer *t = arg;
    for (int i = 0; i < t->count; i++) {
        fake_type(&t->f->con, "y");
    }
    return NULL;
}

static void test_threads(void **state)
{
    struct fx *f = *state;
    scn2681_set_rx_enable(f->s, 1);
    scn2681_write(f->s, SCN2681_ISR, SCN2681_INT_RXRDYA);
    struct typer t = {f, 200};
    pthread_t th;
    pthread_create(&th, NULL, typer_main, &t);
    int got = 0;
    while (got < t.count) {
        if (scn2681_read(f->s, SCN2681_SRA) & SCN2681_SR_RXRDY) {
            assert_int_equal(scn2681_read(f->s, SCN2681_RHRA), 'y');
            got++;
        }
    }
    pthread_join(th, NULL);
    assert_int_equal(scn2681_irq_level(f->s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reset_values_observed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_notify_registered, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_transmit_immediate, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_receive_disabled_console, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_receive_interrupt, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_receive_masked_and_channel_b,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_enable_after_input, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_txrdy_interrupt, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_txrdy_gated_by_console_enable,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_mr_pointer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misc_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
        cmocka_unit_test(test_null_vttys),
        cmocka_unit_test(test_fields_list),
        cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
