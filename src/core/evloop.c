/*
 * The process event loop: epoll for file descriptors, an eventfd that wakes
 * the loop for cross-thread calls and stop requests, and a min-heap of
 * timers whose nearest deadline is the epoll_wait timeout.
 *
 * Ownership rule: the fd table and the timer heap are touched only by the
 * thread running the loop (or by anyone while no loop runs). A call from
 * another thread while the loop runs is forwarded to the loop thread and
 * waited for, so callers need not care which thread they are on, and once
 * evloop_del_fd() returns its callback is not running.
 *
 * Dispatch is robust against callbacks that delete or re-register any fd:
 * each registration carries a generation number packed into the epoll
 * data, and an event whose generation no longer matches is dropped.
 */
#include "core/evloop.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define EV_MAX_EVENTS 64
#define EV_WAKE_TAG UINT64_MAX /* epoll data of the eventfd */

struct ev_fdent {
    unsigned events;
    uint32_t gen;
    ev_fd_cb cb;
    void *arg;
};

struct ev_timer {
    long id;
    uint64_t due_ms;
    unsigned period_ms;
    ev_fn fn;
    void *arg;
};

struct ev_call {
    ev_fn fn;
    void *arg;
    int *done; /* non-NULL: a waiter in evloop_call_sync() */
    struct ev_call *next;
};

struct evloop {
    int epfd;
    int wakefd;

    /* Loop-thread state (see the ownership rule above). */
    struct ev_fdent **fds; /* indexed by fd */
    size_t nfds;
    uint32_t next_gen;
    struct ev_timer **heap;
    size_t nheap, heap_cap;
    long next_timer_id;
    struct ev_defer *defer_head, *defer_tail; /* evloop_defer() */
    /* Set (release) by the loop thread around its fd callbacks, after tid
     * is written: evloop_dispatching() reads it without the lock. */
    atomic_int dispatching;
    long firing_id;     /* timer whose callback runs now, else 0 */
    int firing_deleted; /* ... and it asked to delete itself */

    /* Shared state, under lock. */
    pthread_mutex_t lock;
    pthread_cond_t sync_done;
    struct ev_call *q_head, *q_tail;
    int wake_pending; /* wakefd written, not yet read */
    int running;      /* a loop runs (or a loop thread is starting) */
    int tid_valid;
    pthread_t tid;
    int stop;
    int thread_started;
    pthread_t thread;
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void wake(struct evloop *ev)
{
    uint64_t one = 1;
    /* EAGAIN means the counter is already non-zero: the loop will wake. */
    while (write(ev->wakefd, &one, sizeof(one)) < 0 && errno == EINTR) {
    }
}

struct evloop *evloop_create(void)
{
    struct evloop *ev = calloc(1, sizeof(*ev));
    if (!ev) {
        errno = ENOMEM;
        return NULL;
    }
    ev->epfd = epoll_create1(EPOLL_CLOEXEC);
    ev->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (ev->epfd < 0 || ev->wakefd < 0) {
        goto fail;
    }
    struct epoll_event ee = {.events = EPOLLIN, .data.u64 = EV_WAKE_TAG};
    if (epoll_ctl(ev->epfd, EPOLL_CTL_ADD, ev->wakefd, &ee) < 0) {
        goto fail;
    }
    pthread_mutex_init(&ev->lock, NULL);
    pthread_cond_init(&ev->sync_done, NULL);
    ev->next_timer_id = 1;
    ev->next_gen = 1;
    return ev;
fail:;
    int err = errno;
    if (ev->epfd >= 0) {
        close(ev->epfd);
    }
    if (ev->wakefd >= 0) {
        close(ev->wakefd);
    }
    free(ev);
    errno = err;
    return NULL;
}

int evloop_in_loop(struct evloop *ev)
{
    pthread_mutex_lock(&ev->lock);
    int r = ev->tid_valid && pthread_equal(ev->tid, pthread_self());
    pthread_mutex_unlock(&ev->lock);
    return r;
}

int evloop_dispatching(struct evloop *ev)
{
    /* tid is written before dispatching is set and stays while it is. */
    return atomic_load_explicit(&ev->dispatching, memory_order_acquire) &&
           pthread_equal(ev->tid, pthread_self());
}

void evloop_defer(struct evloop *ev, struct ev_defer *d)
{
    if (d->queued) {
        return;
    }
    d->queued = 1;
    d->next = NULL;
    if (ev->defer_tail) {
        ev->defer_tail->next = d;
    } else {
        ev->defer_head = d;
    }
    ev->defer_tail = d;
}

void evloop_defer_cancel(struct evloop *ev, struct ev_defer *d)
{
    if (!d->queued) {
        return;
    }
    struct ev_defer *prev = NULL;
    for (struct ev_defer *p = ev->defer_head; p; prev = p, p = p->next) {
        if (p == d) {
            if (prev) {
                prev->next = d->next;
            } else {
                ev->defer_head = d->next;
            }
            if (ev->defer_tail == d) {
                ev->defer_tail = prev;
            }
            break;
        }
    }
    d->queued = 0;
    d->next = NULL;
}

/* Run the deferred work of the round just dispatched (FIFO). */
static void run_deferred(struct evloop *ev)
{
    while (ev->defer_head) {
        struct ev_defer *d = ev->defer_head;
        ev->defer_head = d->next;
        if (!ev->defer_head) {
            ev->defer_tail = NULL;
        }
        d->queued = 0;
        d->next = NULL;
        d->fn(d->arg);
    }
}

/* True when the caller may touch loop-thread state directly. */
static int owns_loop(struct evloop *ev)
{
    pthread_mutex_lock(&ev->lock);
    int r = !ev->running ||
            (ev->tid_valid && pthread_equal(ev->tid, pthread_self()));
    pthread_mutex_unlock(&ev->lock);
    return r;
}

/* ------------------------------------------------------------- calls */

static int enqueue(struct evloop *ev, ev_fn fn, void *arg, int *done)
{
    struct ev_call *c = malloc(sizeof(*c));
    if (!c) {
        return -ENOMEM;
    }
    c->fn = fn;
    c->arg = arg;
    c->done = done;
    c->next = NULL;
    if (ev->q_tail) {
        ev->q_tail->next = c;
    } else {
        ev->q_head = c;
    }
    ev->q_tail = c;
    if (!ev->wake_pending) {
        ev->wake_pending = 1;
        wake(ev);
    }
    return 0;
}

int evloop_call(struct evloop *ev, ev_fn fn, void *arg)
{
    if (!ev || !fn) {
        return -EINVAL;
    }
    pthread_mutex_lock(&ev->lock);
    int rc = enqueue(ev, fn, arg, NULL);
    pthread_mutex_unlock(&ev->lock);
    return rc;
}

int evloop_call_sync(struct evloop *ev, ev_fn fn, void *arg)
{
    if (!ev || !fn) {
        return -EINVAL;
    }
    pthread_mutex_lock(&ev->lock);
    if (!ev->running ||
        (ev->tid_valid && pthread_equal(ev->tid, pthread_self()))) {
        pthread_mutex_unlock(&ev->lock);
        fn(arg);
        return 0;
    }
    int done = 0;
    int rc = enqueue(ev, fn, arg, &done);
    while (rc == 0 && !done) {
        pthread_cond_wait(&ev->sync_done, &ev->lock);
    }
    pthread_mutex_unlock(&ev->lock);
    return rc;
}

void evloop_cancel_calls(struct evloop *ev, void *arg)
{
    pthread_mutex_lock(&ev->lock);
    struct ev_call **pp = &ev->q_head;
    ev->q_tail = NULL;
    while (*pp) {
        struct ev_call *c = *pp;
        if (c->arg == arg && !c->done) {
            *pp = c->next;
            free(c);
        } else {
            ev->q_tail = c;
            pp = &c->next;
        }
    }
    pthread_mutex_unlock(&ev->lock);
}

/*
 * Run the calls queued so far, one at a time, so that a call may cancel
 * the ones behind it. Calls queued meanwhile wait for the next round.
 */
static void run_calls(struct evloop *ev)
{
    pthread_mutex_lock(&ev->lock);
    size_t budget = 0;
    for (struct ev_call *c = ev->q_head; c; c = c->next) {
        budget++;
    }
    while (budget-- && ev->q_head) {
        struct ev_call *c = ev->q_head;
        ev->q_head = c->next;
        if (!ev->q_head) {
            ev->q_tail = NULL;
        }
        pthread_mutex_unlock(&ev->lock);
        c->fn(c->arg);
        pthread_mutex_lock(&ev->lock);
        if (c->done) {
            *c->done = 1;
            pthread_cond_broadcast(&ev->sync_done);
        }
        free(c);
    }
    pthread_mutex_unlock(&ev->lock);
}

/* ---------------------------------------------------------------- fds */

static uint32_t to_epoll(unsigned events)
{
    uint32_t e = 0;
    if (events & EV_READ) {
        e |= EPOLLIN;
    }
    if (events & EV_WRITE) {
        e |= EPOLLOUT;
    }
    return e;
}

static int fd_grow(struct evloop *ev, int fd)
{
    if ((size_t)fd < ev->nfds) {
        return 0;
    }
    size_t n = ev->nfds ? ev->nfds : 64;
    while (n <= (size_t)fd) {
        n *= 2;
    }
    struct ev_fdent **p = realloc(ev->fds, n * sizeof(*p));
    if (!p) {
        return -ENOMEM;
    }
    memset(p + ev->nfds, 0, (n - ev->nfds) * sizeof(*p));
    ev->fds = p;
    ev->nfds = n;
    return 0;
}

static struct ev_fdent *fd_lookup(struct evloop *ev, int fd)
{
    return fd >= 0 && (size_t)fd < ev->nfds ? ev->fds[fd] : NULL;
}

static int epoll_set(struct evloop *ev, int op, int fd, struct ev_fdent *e)
{
    struct epoll_event ee = {
        .events = to_epoll(e->events),
        .data.u64 = ((uint64_t)e->gen << 32) | (uint32_t)fd,
    };
    return epoll_ctl(ev->epfd, op, fd, &ee) < 0 ? -errno : 0;
}

static int add_fd_here(struct evloop *ev, int fd, unsigned events,
                       ev_fd_cb cb, void *arg)
{
    if (fd < 0 || !cb) {
        return -EINVAL;
    }
    if (fd_lookup(ev, fd)) {
        return -EEXIST;
    }
    int rc = fd_grow(ev, fd);
    if (rc < 0) {
        return rc;
    }
    struct ev_fdent *e = calloc(1, sizeof(*e));
    if (!e) {
        return -ENOMEM;
    }
    e->events = events & (EV_READ | EV_WRITE);
    e->gen = ev->next_gen++;
    if (ev->next_gen == 0) {
        ev->next_gen = 1;
    }
    e->cb = cb;
    e->arg = arg;
    rc = epoll_set(ev, EPOLL_CTL_ADD, fd, e);
    if (rc < 0) {
        free(e);
        return rc;
    }
    ev->fds[fd] = e;
    return 0;
}

static int mod_fd_here(struct evloop *ev, int fd, unsigned events)
{
    struct ev_fdent *e = fd_lookup(ev, fd);
    if (!e) {
        return -ENOENT;
    }
    events &= EV_READ | EV_WRITE;
    if (events == e->events) {
        return 0;
    }
    unsigned old = e->events;
    e->events = events;
    int rc = epoll_set(ev, EPOLL_CTL_MOD, fd, e);
    if (rc < 0) {
        e->events = old;
    }
    return rc;
}

static int del_fd_here(struct evloop *ev, int fd)
{
    struct ev_fdent *e = fd_lookup(ev, fd);
    if (!e) {
        return -ENOENT;
    }
    /* EBADF: the owner closed the fd first; the kernel already forgot it. */
    epoll_ctl(ev->epfd, EPOLL_CTL_DEL, fd, NULL);
    ev->fds[fd] = NULL;
    free(e);
    return 0;
}

/* Arguments and result of a forwarded call. */
struct fwd {
    struct evloop *ev;
    int fd;
    unsigned events;
    ev_fd_cb cb;
    ev_fn fn;
    void *arg;
    unsigned delay, period;
    long id;
    int rc;
};

static void fwd_add_fd(void *p)
{
    struct fwd *f = p;
    f->rc = add_fd_here(f->ev, f->fd, f->events, f->cb, f->arg);
}

static void fwd_mod_fd(void *p)
{
    struct fwd *f = p;
    f->rc = mod_fd_here(f->ev, f->fd, f->events);
}

static void fwd_del_fd(void *p)
{
    struct fwd *f = p;
    f->rc = del_fd_here(f->ev, f->fd);
}

static int forward(struct evloop *ev, ev_fn fn, struct fwd *f)
{
    int rc = evloop_call_sync(ev, fn, f);
    return rc < 0 ? rc : f->rc;
}

int evloop_add_fd(struct evloop *ev, int fd, unsigned events, ev_fd_cb cb,
                  void *arg)
{
    if (owns_loop(ev)) {
        return add_fd_here(ev, fd, events, cb, arg);
    }
    struct fwd f = {.ev = ev, .fd = fd, .events = events, .cb = cb,
                    .arg = arg};
    return forward(ev, fwd_add_fd, &f);
}

int evloop_mod_fd(struct evloop *ev, int fd, unsigned events)
{
    if (owns_loop(ev)) {
        return mod_fd_here(ev, fd, events);
    }
    struct fwd f = {.ev = ev, .fd = fd, .events = events};
    return forward(ev, fwd_mod_fd, &f);
}

int evloop_del_fd(struct evloop *ev, int fd)
{
    if (owns_loop(ev)) {
        return del_fd_here(ev, fd);
    }
    struct fwd f = {.ev = ev, .fd = fd};
    return forward(ev, fwd_del_fd, &f);
}

static void dispatch(struct evloop *ev, const struct epoll_event *ee)
{
    int fd = (int)(uint32_t)ee->data.u64;
    uint32_t gen = (uint32_t)(ee->data.u64 >> 32);
    struct ev_fdent *e = fd_lookup(ev, fd);
    if (!e || e->gen != gen) {
        return; /* deleted (and maybe reused) earlier in this batch */
    }
    unsigned events = 0;
    if (ee->events & EPOLLIN) {
        events |= EV_READ;
    }
    if (ee->events & EPOLLOUT) {
        events |= EV_WRITE;
    }
    events &= e->events; /* interest may have changed in this batch */
    if (ee->events & (EPOLLERR | EPOLLHUP)) {
        /* Let the owner's read or write see the error or the EOF. */
        events |= EV_ERROR | e->events;
    }
    if (events) {
        e->cb(ev, fd, events, e->arg);
    }
}

/* ------------------------------------------------------------- timers */

static int timer_before(const struct ev_timer *a, const struct ev_timer *b)
{
    return a->due_ms < b->due_ms || (a->due_ms == b->due_ms && a->id < b->id);
}

static void heap_swap(struct evloop *ev, size_t i, size_t j)
{
    struct ev_timer *t = ev->heap[i];
    ev->heap[i] = ev->heap[j];
    ev->heap[j] = t;
}

static void heap_up(struct evloop *ev, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!timer_before(ev->heap[i], ev->heap[parent])) {
            break;
        }
        heap_swap(ev, i, parent);
        i = parent;
    }
}

static void heap_down(struct evloop *ev, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < ev->nheap && timer_before(ev->heap[l], ev->heap[m])) {
            m = l;
        }
        if (r < ev->nheap && timer_before(ev->heap[r], ev->heap[m])) {
            m = r;
        }
        if (m == i) {
            break;
        }
        heap_swap(ev, i, m);
        i = m;
    }
}

static int heap_push(struct evloop *ev, struct ev_timer *t)
{
    if (ev->nheap == ev->heap_cap) {
        size_t cap = ev->heap_cap ? ev->heap_cap * 2 : 16;
        struct ev_timer **p = realloc(ev->heap, cap * sizeof(*p));
        if (!p) {
            return -ENOMEM;
        }
        ev->heap = p;
        ev->heap_cap = cap;
    }
    ev->heap[ev->nheap++] = t;
    heap_up(ev, ev->nheap - 1);
    return 0;
}

static struct ev_timer *heap_remove(struct evloop *ev, size_t i)
{
    struct ev_timer *t = ev->heap[i];
    ev->heap[i] = ev->heap[--ev->nheap];
    if (i < ev->nheap) {
        heap_down(ev, i);
        heap_up(ev, i);
    }
    return t;
}

static long add_timer_here(struct evloop *ev, unsigned delay_ms,
                           unsigned period_ms, ev_fn fn, void *arg)
{
    if (!fn) {
        return -EINVAL;
    }
    struct ev_timer *t = malloc(sizeof(*t));
    if (!t) {
        return -ENOMEM;
    }
    t->id = ev->next_timer_id++;
    t->due_ms = now_ms() + delay_ms;
    t->period_ms = period_ms;
    t->fn = fn;
    t->arg = arg;
    int rc = heap_push(ev, t);
    if (rc < 0) {
        free(t);
        return rc;
    }
    return t->id;
}

static void del_timer_here(struct evloop *ev, long id)
{
    if (id <= 0) {
        return;
    }
    if (id == ev->firing_id) {
        ev->firing_deleted = 1;
        return;
    }
    for (size_t i = 0; i < ev->nheap; i++) {
        if (ev->heap[i]->id == id) {
            free(heap_remove(ev, i));
            return;
        }
    }
}

static void fwd_add_timer(void *p)
{
    struct fwd *f = p;
    f->id = add_timer_here(f->ev, f->delay, f->period, f->fn, f->arg);
}

static void fwd_del_timer(void *p)
{
    struct fwd *f = p;
    del_timer_here(f->ev, f->id);
}

long evloop_add_timer(struct evloop *ev, unsigned delay_ms, unsigned period_ms,
                      ev_fn fn, void *arg)
{
    if (owns_loop(ev)) {
        return add_timer_here(ev, delay_ms, period_ms, fn, arg);
    }
    struct fwd f = {.ev = ev, .fn = fn, .arg = arg, .delay = delay_ms,
                    .period = period_ms};
    int rc = evloop_call_sync(ev, fwd_add_timer, &f);
    return rc < 0 ? rc : f.id;
}

void evloop_del_timer(struct evloop *ev, long id)
{
    if (owns_loop(ev)) {
        del_timer_here(ev, id);
        return;
    }
    struct fwd f = {.ev = ev, .id = id};
    evloop_call_sync(ev, fwd_del_timer, &f);
}

/*
 * Fire the timers due now. Timers created by these callbacks wait for the
 * next round (their ids are above the limit), so a callback that re-adds a
 * zero-delay timer cannot starve the loop.
 */
static void run_timers(struct evloop *ev)
{
    uint64_t now = now_ms();
    long id_limit = ev->next_timer_id;
    while (ev->nheap && ev->heap[0]->due_ms <= now &&
           ev->heap[0]->id < id_limit) {
        struct ev_timer *t = heap_remove(ev, 0);
        ev->firing_id = t->id;
        ev->firing_deleted = 0;
        t->fn(t->arg);
        ev->firing_id = 0;
        if (t->period_ms && !ev->firing_deleted) {
            t->due_ms += t->period_ms;
            if (t->due_ms <= now) {
                t->due_ms = now + t->period_ms; /* overran: skip, no burst */
            }
            if (heap_push(ev, t) == 0) {
                continue;
            }
        }
        free(t);
    }
}

static int next_timeout(struct evloop *ev)
{
    if (!ev->nheap) {
        return -1;
    }
    uint64_t now = now_ms(), due = ev->heap[0]->due_ms;
    if (due <= now) {
        return 0;
    }
    uint64_t d = due - now;
    return d > 60000 ? 60000 : (int)d;
}

/* --------------------------------------------------------------- loop */

static int should_stop(struct evloop *ev)
{
    pthread_mutex_lock(&ev->lock);
    int s = ev->stop;
    pthread_mutex_unlock(&ev->lock);
    return s;
}

int evloop_run(struct evloop *ev)
{
    pthread_mutex_lock(&ev->lock);
    if (ev->tid_valid) {
        pthread_mutex_unlock(&ev->lock);
        return -EBUSY;
    }
    ev->tid = pthread_self();
    ev->tid_valid = 1;
    ev->running = 1;
    pthread_mutex_unlock(&ev->lock);

    struct epoll_event evs[EV_MAX_EVENTS];
    while (!should_stop(ev)) {
        int timeout = next_timeout(ev);
        pthread_mutex_lock(&ev->lock);
        if (ev->q_head) {
            timeout = 0;
        }
        pthread_mutex_unlock(&ev->lock);

        int n = epoll_wait(ev->epfd, evs, EV_MAX_EVENTS, timeout);
        if (n < 0) {
            n = 0; /* EINTR: a signal; anything else: retry */
        }
        atomic_store_explicit(&ev->dispatching, 1, memory_order_release);
        for (int i = 0; i < n; i++) {
            if (evs[i].data.u64 == EV_WAKE_TAG) {
                /* Read first, then clear: a caller that saw the flag set
                 * meanwhile queued before run_calls() below counts. */
                uint64_t cnt;
                while (read(ev->wakefd, &cnt, sizeof(cnt)) < 0 &&
                       errno == EINTR) {
                }
                pthread_mutex_lock(&ev->lock);
                ev->wake_pending = 0;
                pthread_mutex_unlock(&ev->lock);
            } else {
                dispatch(ev, &evs[i]);
            }
        }
        atomic_store_explicit(&ev->dispatching, 0, memory_order_relaxed);
        run_deferred(ev);
        run_calls(ev);
        run_timers(ev);
    }

    /* Calls queued before the stop still run, then callers run their own. */
    pthread_mutex_lock(&ev->lock);
    ev->running = 0;
    ev->stop = 0;
    pthread_mutex_unlock(&ev->lock);
    run_calls(ev);
    pthread_mutex_lock(&ev->lock);
    ev->tid_valid = 0;
    pthread_mutex_unlock(&ev->lock);
    return 0;
}

static void *loop_thread(void *arg)
{
    evloop_run(arg);
    return NULL;
}

int evloop_start_thread(struct evloop *ev)
{
    pthread_mutex_lock(&ev->lock);
    if (ev->running || ev->thread_started) {
        pthread_mutex_unlock(&ev->lock);
        return -EBUSY;
    }
    /* From now on other threads forward to the loop instead of racing it. */
    ev->running = 1;
    int rc = pthread_create(&ev->thread, NULL, loop_thread, ev);
    if (rc) {
        ev->running = 0;
    } else {
        ev->thread_started = 1;
    }
    pthread_mutex_unlock(&ev->lock);
    return -rc;
}

void evloop_stop(struct evloop *ev)
{
    if (!ev) {
        return;
    }
    pthread_mutex_lock(&ev->lock);
    if (ev->running) {
        ev->stop = 1;
        wake(ev);
    }
    pthread_mutex_unlock(&ev->lock);
}

void evloop_destroy(struct evloop *ev)
{
    if (!ev) {
        return;
    }
    pthread_mutex_lock(&ev->lock);
    int joinable = ev->thread_started;
    ev->thread_started = 0;
    pthread_mutex_unlock(&ev->lock);
    if (joinable) {
        evloop_stop(ev);
        pthread_join(ev->thread, NULL);
    }
    /* Calls nobody ran: drop them, their objects may be gone. */
    while (ev->q_head) {
        struct ev_call *c = ev->q_head;
        ev->q_head = c->next;
        free(c);
    }
    for (size_t i = 0; i < ev->nfds; i++) {
        free(ev->fds[i]);
    }
    free(ev->fds);
    for (size_t i = 0; i < ev->nheap; i++) {
        free(ev->heap[i]);
    }
    free(ev->heap);
    close(ev->epfd);
    close(ev->wakefd);
    pthread_cond_destroy(&ev->sync_done);
    pthread_mutex_destroy(&ev->lock);
    free(ev);
}
