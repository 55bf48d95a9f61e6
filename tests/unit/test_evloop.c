/*
 * Event loop: fd callbacks, cross-thread calls, timers, stop/restart, and
 * the hard cases of dispatch (callbacks deleting fds of the same batch, fd
 * numbers reused within a batch, timers deleting themselves, signals).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/evloop.h"

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void msleep(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

/* Poll an int written by the loop thread until it reaches want. */
static int wait_int(int *p, int want, unsigned timeout_ms)
{
    uint64_t end = now_ms() + timeout_ms;
    while (__atomic_load_n(p, __ATOMIC_ACQUIRE) < want) {
        if (now_ms() > end) {
            return 0;
        }
        msleep(1);
    }
    return 1;
}

static void stop_cb(void *arg)
{
    evloop_stop(arg);
}

/* Run the loop in this thread for about ms milliseconds. */
static void run_for(struct evloop *ev, unsigned ms)
{
    long id = evloop_add_timer(ev, ms, 0, stop_cb, ev);
    assert_true(id > 0);
    assert_int_equal(evloop_run(ev), 0);
}

/* ------------------------------------------------------------- calls */

struct call_rec {
    struct evloop *ev;
    int count;
    int in_loop;
    pthread_t tid;
};

static void rec_call(void *arg)
{
    struct call_rec *r = arg;
    r->in_loop = evloop_in_loop(r->ev);
    r->tid = pthread_self();
    __atomic_add_fetch(&r->count, 1, __ATOMIC_RELEASE);
}

static void test_create_destroy_idle(void **state)
{
    struct evloop *ev = evloop_create();
    assert_non_null(ev);
    assert_false(evloop_in_loop(ev));
    evloop_stop(ev); /* not running: harmless */
    evloop_destroy(ev);
}

static void test_call_runs_on_loop_thread(void **state)
{
    struct evloop *ev = evloop_create();
    struct call_rec r = {.ev = ev};
    assert_int_equal(evloop_start_thread(ev), 0);
    assert_int_equal(evloop_start_thread(ev), -EBUSY);
    assert_int_equal(evloop_call(ev, rec_call, &r), 0);
    assert_true(wait_int(&r.count, 1, 2000));
    assert_true(r.in_loop);
    assert_false(pthread_equal(r.tid, pthread_self()));
    assert_false(evloop_in_loop(ev));
    evloop_destroy(ev);
}

static void test_call_sync_waits(void **state)
{
    struct evloop *ev = evloop_create();
    struct call_rec r = {.ev = ev};
    /* No loop yet: runs at once, here. */
    assert_int_equal(evloop_call_sync(ev, rec_call, &r), 0);
    assert_int_equal(r.count, 1);
    assert_true(pthread_equal(r.tid, pthread_self()));
    assert_int_equal(evloop_start_thread(ev), 0);
    for (int i = 0; i < 100; i++) {
        assert_int_equal(evloop_call_sync(ev, rec_call, &r), 0);
        assert_int_equal(r.count, i + 2); /* done when it returns */
        assert_true(r.in_loop);
    }
    evloop_destroy(ev);
}

static void test_calls_queued_before_run(void **state)
{
    struct evloop *ev = evloop_create();
    struct call_rec r = {.ev = ev};
    for (int i = 0; i < 10; i++) {
        evloop_call(ev, rec_call, &r);
    }
    evloop_call(ev, stop_cb, ev);
    assert_int_equal(evloop_run(ev), 0);
    assert_int_equal(r.count, 10);
    evloop_destroy(ev);
}

/* Many threads hammer evloop_call; every call runs exactly once. */
static void *hammer(void *arg)
{
    struct call_rec *r = arg;
    for (int i = 0; i < 2000; i++) {
        while (evloop_call(r->ev, rec_call, r) < 0) {
        }
    }
    return NULL;
}

static void count_only(void *arg)
{
    __atomic_add_fetch((int *)arg, 1, __ATOMIC_RELEASE);
}

static void test_call_many_threads(void **state)
{
    struct evloop *ev = evloop_create();
    struct call_rec r = {.ev = ev};
    pthread_t t[4];
    assert_int_equal(evloop_start_thread(ev), 0);
    for (int i = 0; i < 4; i++) {
        pthread_create(&t[i], NULL, hammer, &r);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
    }
    assert_true(wait_int(&r.count, 8000, 5000));
    msleep(20);
    assert_int_equal(r.count, 8000);
    evloop_destroy(ev);
}

struct cancel_ctx {
    struct evloop *ev;
    int victim;
    int ran;
};

static void cancel_victims(void *arg)
{
    struct cancel_ctx *c = arg;
    evloop_cancel_calls(c->ev, &c->victim);
    c->ran = 1;
}

/* A call can cancel calls queued behind it in the same round. */
static void test_cancel_calls(void **state)
{
    struct evloop *ev = evloop_create();
    struct cancel_ctx c = {.ev = ev};
    evloop_call(ev, cancel_victims, &c);
    evloop_call(ev, count_only, &c.victim);
    evloop_call(ev, count_only, &c.victim);
    evloop_call(ev, stop_cb, ev);
    evloop_run(ev);
    assert_int_equal(c.ran, 1);
    assert_int_equal(c.victim, 0);
    evloop_destroy(ev);
}

/* Async calls still queued when the loop is destroyed are dropped. */
static void test_destroy_drops_pending_calls(void **state)
{
    struct evloop *ev = evloop_create();
    int n = 0;
    evloop_call(ev, count_only, &n);
    evloop_destroy(ev);
    assert_int_equal(n, 0);
}

/* ---------------------------------------------------------------- fds */

struct fd_ctx {
    struct evloop *ev;
    int rfd[2], wfd[2];
    int hits[2];
    int bytes;
    int other_hits;
};

static void read_cb(struct evloop *ev, int fd, unsigned events, void *arg)
{
    struct fd_ctx *c = arg;
    char buf[64];
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n > 0) {
        c->bytes += (int)n;
    }
    c->hits[0]++;
    if (c->bytes >= 5) {
        evloop_stop(ev);
    }
}

static void test_fd_read(void **state)
{
    struct evloop *ev = evloop_create();
    struct fd_ctx c = {.ev = ev};
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(evloop_add_fd(ev, p[0], EV_READ, read_cb, &c), 0);
    assert_int_equal(evloop_add_fd(ev, p[0], EV_READ, read_cb, &c), -EEXIST);
    assert_int_equal(write(p[1], "hello", 5), 5);
    evloop_add_timer(ev, 2000, 0, stop_cb, ev); /* safety */
    evloop_run(ev);
    assert_int_equal(c.bytes, 5);
    assert_int_equal(evloop_del_fd(ev, p[0]), 0);
    assert_int_equal(evloop_del_fd(ev, p[0]), -ENOENT);
    assert_int_equal(evloop_mod_fd(ev, p[0], EV_READ), -ENOENT);
    close(p[0]);
    close(p[1]);
    evloop_destroy(ev);
}

static void write_cb(struct evloop *ev, int fd, unsigned events, void *arg)
{
    struct fd_ctx *c = arg;
    assert_true(events & EV_WRITE);
    c->hits[1]++;
    evloop_mod_fd(ev, fd, 0); /* writable forever: stop asking */
}

static void test_fd_write_and_mod(void **state)
{
    struct evloop *ev = evloop_create();
    struct fd_ctx c = {.ev = ev};
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(evloop_add_fd(ev, p[1], EV_WRITE, write_cb, &c), 0);
    run_for(ev, 30);
    assert_int_equal(c.hits[1], 1);
    assert_int_equal(evloop_mod_fd(ev, p[1], EV_WRITE), 0);
    run_for(ev, 30);
    assert_int_equal(c.hits[1], 2);
    evloop_del_fd(ev, p[1]);
    close(p[0]);
    close(p[1]);
    evloop_destroy(ev);
}

/* Whichever of two ready fds is dispatched first deletes both: the other
 * callback must not run although its event is in the same batch. */
static void del_both_cb(struct evloop *ev, int fd, unsigned events, void *arg)
{
    struct fd_ctx *c = arg;
    c->hits[fd == c->rfd[0] ? 0 : 1]++;
    evloop_del_fd(ev, c->rfd[0]);
    evloop_del_fd(ev, c->rfd[1]);
}

static void test_callback_deletes_other_fd(void **state)
{
    struct evloop *ev = evloop_create();
    struct fd_ctx c = {.ev = ev};
    int a[2], b[2];
    assert_int_equal(pipe(a), 0);
    assert_int_equal(pipe(b), 0);
    c.rfd[0] = a[0];
    c.rfd[1] = b[0];
    evloop_add_fd(ev, a[0], EV_READ, del_both_cb, &c);
    evloop_add_fd(ev, b[0], EV_READ, del_both_cb, &c);
    assert_int_equal(write(a[1], "x", 1), 1);
    assert_int_equal(write(b[1], "y", 1), 1);
    run_for(ev, 30);
    assert_int_equal(c.hits[0] + c.hits[1], 1);
    close(a[0]);
    close(a[1]);
    close(b[0]);
    close(b[1]);
    evloop_destroy(ev);
}

/* Deferred work: queued by the callbacks of one round (twice by one of
 * them, once cancelled), it runs once after all of them. */
struct defer_ctx {
    int rfd[2];
    int cb_runs;      /* fd callbacks so far */
    int cb_at_defer;  /* fd callbacks seen when the deferred work ran */
    int defer_runs, cancelled_runs;
    int dispatching_in_cb, dispatching_in_defer;
    struct ev_defer d, gone;
};

static void deferred(void *arg)
{
    struct defer_ctx *c = arg;
    c->defer_runs++;
    c->cb_at_defer = c->cb_runs;
}

static void cancelled(void *arg)
{
    ((struct defer_ctx *)arg)->cancelled_runs++;
}

static void defer_cb(struct evloop *ev, int fd, unsigned events, void *arg)
{
    struct defer_ctx *c = arg;
    char buf[8];
    assert_true(read(fd, buf, sizeof(buf)) > 0);
    c->cb_runs++;
    c->dispatching_in_cb = evloop_dispatching(ev);
    evloop_defer(ev, &c->d);
    evloop_defer(ev, &c->d); /* once only */
    if (c->cb_runs == 1) {
        evloop_defer(ev, &c->gone);
    } else {
        evloop_defer_cancel(ev, &c->gone);
    }
}

static void test_defer_runs_after_the_round(void **state)
{
    struct evloop *ev = evloop_create();
    struct defer_ctx c = {.d = {.fn = deferred, .arg = &c},
                          .gone = {.fn = cancelled, .arg = &c}};
    int a[2], b[2];
    assert_int_equal(pipe(a), 0);
    assert_int_equal(pipe(b), 0);
    evloop_add_fd(ev, a[0], EV_READ, defer_cb, &c);
    evloop_add_fd(ev, b[0], EV_READ, defer_cb, &c);
    assert_int_equal(write(a[1], "x", 1), 1);
    assert_int_equal(write(b[1], "y", 1), 1);
    assert_false(evloop_dispatching(ev)); /* not the loop thread */
    run_for(ev, 30);
    assert_int_equal(c.cb_runs, 2);
    assert_true(c.dispatching_in_cb);
    assert_int_equal(c.defer_runs, 1);
    assert_int_equal(c.cb_at_defer, 2);
    assert_int_equal(c.cancelled_runs, 0);
    close(a[0]);
    close(a[1]);
    close(b[0]);
    close(b[1]);
    evloop_destroy(ev);
}

static void other_cb(struct evloop *ev, int fd, unsigned events, void *arg)
{
    struct fd_ctx *c = arg;
    __atomic_add_fetch(&c->other_hits, 1, __ATOMIC_RELEASE);
    evloop_del_fd(ev, fd);
}

/*
 * The first callback replaces the other fd by a fresh, empty pipe under
 * the same fd number. The other fd's pending event belongs to the old
 * registration and must not reach the new one.
 */
static void reuse_cb(struct evloop *ev, int fd, unsigned events, void *arg)
{
    struct fd_ctx *c = arg;
    int other = fd == c->rfd[0] ? c->rfd[1] : c->rfd[0];
    c->hits[0]++;
    evloop_del_fd(ev, fd);
    if (evloop_del_fd(ev, other) == 0) {
        int p[2];
        assert_int_equal(pipe(p), 0);
        assert_int_equal(dup2(p[0], other), other); /* same number */
        close(p[0]);
        c->wfd[0] = p[1];
        assert_int_equal(evloop_add_fd(ev, other, EV_READ, other_cb, c), 0);
    }
}

static void test_fd_number_reused_in_batch(void **state)
{
    struct evloop *ev = evloop_create();
    struct fd_ctx c = {.ev = ev};
    int a[2], b[2];
    assert_int_equal(pipe(a), 0);
    assert_int_equal(pipe(b), 0);
    c.rfd[0] = a[0];
    c.rfd[1] = b[0];
    evloop_add_fd(ev, a[0], EV_READ, reuse_cb, &c);
    evloop_add_fd(ev, b[0], EV_READ, reuse_cb, &c);
    assert_int_equal(write(a[1], "x", 1), 1);
    assert_int_equal(write(b[1], "y", 1), 1);
    run_for(ev, 30);
    assert_int_equal(c.hits[0], 1);
    assert_int_equal(c.other_hits, 0); /* the new pipe is empty */
    /* The new registration works. */
    assert_int_equal(write(c.wfd[0], "z", 1), 1);
    run_for(ev, 30);
    assert_int_equal(c.other_hits, 1);
    close(a[0]);
    close(a[1]);
    close(b[0]);
    close(b[1]);
    close(c.wfd[0]);
    evloop_destroy(ev);
}

static void hup_cb(struct evloop *ev, int fd, unsigned events, void *arg)
{
    struct fd_ctx *c = arg;
    char buf[8];
    c->hits[0]++;
    if (events & EV_ERROR) {
        c->hits[1]++;
    }
    if (read(fd, buf, sizeof(buf)) == 0) {
        c->bytes = -1; /* EOF seen through EV_READ */
        evloop_del_fd(ev, fd);
    }
}

/* A pipe whose writer closed reports EV_ERROR with EV_READ, so the reader
 * sees the EOF. */
static void test_fd_hangup(void **state)
{
    struct evloop *ev = evloop_create();
    struct fd_ctx c = {.ev = ev};
    int p[2];
    assert_int_equal(pipe(p), 0);
    evloop_add_fd(ev, p[0], EV_READ, hup_cb, &c);
    close(p[1]);
    run_for(ev, 30);
    assert_int_equal(c.bytes, -1);
    assert_int_equal(c.hits[0], 1);
    assert_int_equal(c.hits[1], 1);
    close(p[0]);
    evloop_destroy(ev);
}

/* fd functions from another thread while the loop runs are forwarded. */
static void test_fd_from_other_thread(void **state)
{
    struct evloop *ev = evloop_create();
    struct fd_ctx c = {.ev = ev};
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(evloop_start_thread(ev), 0);
    assert_int_equal(evloop_add_fd(ev, p[0], EV_READ, other_cb, &c), 0);
    assert_int_equal(evloop_add_fd(ev, p[0], EV_READ, other_cb, &c), -EEXIST);
    assert_int_equal(write(p[1], "x", 1), 1);
    assert_true(wait_int(&c.other_hits, 1, 2000));
    assert_int_equal(evloop_del_fd(ev, p[0]), -ENOENT); /* cb deleted it */
    close(p[0]);
    close(p[1]);
    evloop_destroy(ev);
}

/* ------------------------------------------------------------- timers */

struct timer_ctx {
    struct evloop *ev;
    int fired;
    int limit;
    long self_id;
    long other_id;
    int other_fired;
    uint64_t t0, t_first;
};

static void oneshot_cb(void *arg)
{
    struct timer_ctx *t = arg;
    if (__atomic_fetch_add(&t->fired, 1, __ATOMIC_RELEASE) == 0) {
        t->t_first = now_ms();
    }
}

static void test_timer_oneshot(void **state)
{
    struct evloop *ev = evloop_create();
    struct timer_ctx t = {.ev = ev, .t0 = now_ms()};
    long id = evloop_add_timer(ev, 40, 0, oneshot_cb, &t);
    assert_true(id > 0);
    run_for(ev, 120);
    assert_int_equal(t.fired, 1);
    assert_true(t.t_first - t.t0 >= 40);
    assert_true(t.t_first - t.t0 < 110);
    evloop_del_timer(ev, id); /* already gone: harmless */
    evloop_destroy(ev);
}

static void test_timer_periodic(void **state)
{
    struct evloop *ev = evloop_create();
    struct timer_ctx t = {.ev = ev};
    long id = evloop_add_timer(ev, 0, 10, oneshot_cb, &t);
    run_for(ev, 200);
    assert_true(t.fired >= 5); /* ~20; loose for loaded machines */
    assert_true(t.fired <= 22);
    evloop_del_timer(ev, id);
    int before = t.fired;
    run_for(ev, 40);
    assert_int_equal(t.fired, before);
    evloop_destroy(ev);
}

static void self_delete_cb(void *arg)
{
    struct timer_ctx *t = arg;
    if (++t->fired == t->limit) {
        evloop_del_timer(t->ev, t->self_id);
    }
}

static void test_timer_deletes_itself(void **state)
{
    struct evloop *ev = evloop_create();
    struct timer_ctx t = {.ev = ev, .limit = 3};
    t.self_id = evloop_add_timer(ev, 1, 1, self_delete_cb, &t);
    run_for(ev, 60);
    assert_int_equal(t.fired, 3);
    evloop_destroy(ev);
}

static void other_timer_cb(void *arg)
{
    struct timer_ctx *t = arg;
    __atomic_add_fetch(&t->other_fired, 1, __ATOMIC_RELEASE);
}

static void delete_other_cb(void *arg)
{
    struct timer_ctx *t = arg;
    t->fired++;
    evloop_del_timer(t->ev, t->other_id);
}

/* Both are due in the same round; the first deletes the second. */
static void test_timer_deletes_other(void **state)
{
    struct evloop *ev = evloop_create();
    struct timer_ctx t = {.ev = ev};
    evloop_add_timer(ev, 5, 0, delete_other_cb, &t);
    t.other_id = evloop_add_timer(ev, 5, 0, other_timer_cb, &t);
    msleep(10);
    run_for(ev, 30);
    assert_int_equal(t.fired, 1);
    assert_int_equal(t.other_fired, 0);
    evloop_destroy(ev);
}

static void readd_cb(void *arg)
{
    struct timer_ctx *t = arg;
    t->fired++;
    evloop_add_timer(t->ev, 0, 0, readd_cb, t);
}

/* A callback re-adding a zero-delay timer must not starve fds or stop. */
static void test_timer_zero_delay_chain(void **state)
{
    struct evloop *ev = evloop_create();
    struct timer_ctx t = {.ev = ev};
    evloop_add_timer(ev, 0, 0, readd_cb, &t);
    run_for(ev, 30);
    assert_true(t.fired > 1);
    evloop_destroy(ev);
}

static void test_timer_from_other_thread(void **state)
{
    struct evloop *ev = evloop_create();
    struct timer_ctx t = {.ev = ev};
    assert_int_equal(evloop_start_thread(ev), 0);
    long id = evloop_add_timer(ev, 5, 0, oneshot_cb, &t);
    assert_true(id > 0);
    assert_true(wait_int(&t.fired, 1, 2000));
    long id2 = evloop_add_timer(ev, 50, 0, other_timer_cb, &t);
    assert_true(id2 > id);
    evloop_del_timer(ev, id2);
    msleep(100);
    assert_int_equal(t.other_fired, 0);
    evloop_destroy(ev);
}

/* -------------------------------------------------------- run / stop */

static void *stopper(void *arg)
{
    msleep(30);
    evloop_stop(arg);
    return NULL;
}

static void test_stop_from_other_thread_and_rerun(void **state)
{
    struct evloop *ev = evloop_create();
    pthread_t t;
    for (int round = 0; round < 2; round++) {
        pthread_create(&t, NULL, stopper, ev);
        uint64_t t0 = now_ms();
        assert_int_equal(evloop_run(ev), 0);
        assert_true(now_ms() - t0 < 2000);
        pthread_join(t, NULL);
        assert_false(evloop_in_loop(ev));
    }
    evloop_destroy(ev);
}

static void test_stop_right_after_start(void **state)
{
    for (int i = 0; i < 50; i++) {
        struct evloop *ev = evloop_create();
        assert_int_equal(evloop_start_thread(ev), 0);
        evloop_stop(ev);
        evloop_stop(ev);
        evloop_destroy(ev); /* joins */
    }
}

static void nop_handler(int sig)
{
    (void)sig;
}

/* Signals interrupting epoll_wait (EINTR) do not disturb the loop. */
static void test_eintr(void **state)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = nop_handler; /* no SA_RESTART */
    sigaction(SIGUSR2, &sa, NULL);

    struct evloop *ev = evloop_create();
    struct call_rec r = {.ev = ev};
    assert_int_equal(evloop_start_thread(ev), 0);
    assert_int_equal(evloop_call_sync(ev, rec_call, &r), 0);
    for (int i = 0; i < 20; i++) {
        pthread_kill(r.tid, SIGUSR2);
        msleep(1);
    }
    struct timer_ctx t = {.ev = ev};
    evloop_add_timer(ev, 20, 0, oneshot_cb, &t);
    pthread_kill(r.tid, SIGUSR2);
    assert_true(wait_int(&t.fired, 1, 2000));
    assert_int_equal(evloop_call_sync(ev, rec_call, &r), 0);
    assert_int_equal(r.count, 2);
    evloop_destroy(ev);
    signal(SIGUSR2, SIG_DFL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_destroy_idle),
        cmocka_unit_test(test_call_runs_on_loop_thread),
        cmocka_unit_test(test_call_sync_waits),
        cmocka_unit_test(test_calls_queued_before_run),
        cmocka_unit_test(test_call_many_threads),
        cmocka_unit_test(test_cancel_calls),
        cmocka_unit_test(test_destroy_drops_pending_calls),
        cmocka_unit_test(test_fd_read),
        cmocka_unit_test(test_fd_write_and_mod),
        cmocka_unit_test(test_callback_deletes_other_fd),
        cmocka_unit_test(test_fd_number_reused_in_batch),
        cmocka_unit_test(test_fd_hangup),
        cmocka_unit_test(test_defer_runs_after_the_round),
        cmocka_unit_test(test_fd_from_other_thread),
        cmocka_unit_test(test_timer_oneshot),
        cmocka_unit_test(test_timer_periodic),
        cmocka_unit_test(test_timer_deletes_itself),
        cmocka_unit_test(test_timer_deletes_other),
        cmocka_unit_test(test_timer_zero_delay_chain),
        cmocka_unit_test(test_timer_from_other_thread),
        cmocka_unit_test(test_stop_from_other_thread_and_rerun),
        cmocka_unit_test(test_stop_right_after_start),
        cmocka_unit_test(test_eintr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
