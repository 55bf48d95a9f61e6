/*
 * The process event loop: one thread (epoll) owns every socket of the
 * process (hypervisor, consoles, NIOs) and runs timers. Other threads hand
 * it work with evloop_call(), which is thread-safe.
 */
#ifndef CORE_EVLOOP_H
#define CORE_EVLOOP_H

#include <stdint.h>

struct evloop;

enum { EV_READ = 1, EV_WRITE = 2, EV_ERROR = 4 };

typedef void (*ev_fd_cb)(struct evloop *ev, int fd, unsigned events, void *arg);
typedef void (*ev_fn)(void *arg);

struct evloop *evloop_create(void);
/* Stops and joins the loop thread if running, then frees. fds stay open. */
void evloop_destroy(struct evloop *ev);

/*
 * fd registration; call from the loop thread, or before the loop runs.
 * (Called from another thread while the loop runs, these and the timer
 * functions are forwarded to the loop thread and waited for; after
 * evloop_del_fd() returns, the fd's callback is not running.)
 */
int evloop_add_fd(struct evloop *ev, int fd, unsigned events, ev_fd_cb cb,
                  void *arg);
int evloop_mod_fd(struct evloop *ev, int fd, unsigned events);
int evloop_del_fd(struct evloop *ev, int fd);

/* Run fn(arg) on the loop thread soon; thread-safe. Returns 0 or -errno. */
int evloop_call(struct evloop *ev, ev_fn fn, void *arg);
/*
 * Run fn(arg) on the loop thread and wait for it; runs it at once when
 * called from the loop thread or when no loop runs. Returns 0 or -errno.
 */
int evloop_call_sync(struct evloop *ev, ev_fn fn, void *arg);
/* Drop queued evloop_call()s whose arg is arg (before freeing arg). */
void evloop_cancel_calls(struct evloop *ev, void *arg);

/*
 * Timers (loop thread or before the loop runs): fn(arg) after delay_ms, then
 * every period_ms if non-zero. Returns an id > 0, or a negative errno.
 */
long evloop_add_timer(struct evloop *ev, unsigned delay_ms, unsigned period_ms,
                      ev_fn fn, void *arg);
void evloop_del_timer(struct evloop *ev, long id);

/*
 * Work deferred to the end of the current round of fd callbacks: an fd
 * callback (or anything it calls) queues d with evloop_defer(), and
 * d->fn(d->arg) runs once after the last callback of the round, before
 * the loop waits again. Senders use it to gather the frames of a round
 * and hand them to the OS in one system call. The caller owns d (zeroed
 * before first use, fn and arg set) and must evloop_defer_cancel() it
 * before freeing it.
 */
struct ev_defer {
    ev_fn fn;
    void *arg;
    struct ev_defer *next; /* evloop's */
    int queued;            /* evloop's */
};
/*
 * Nonzero when the caller is the loop thread running fd callbacks: only
 * then may it call evloop_defer(). Lock-free.
 */
int evloop_dispatching(struct evloop *ev);
/* Queue d (once: no-op if already queued). Loop thread, while dispatching. */
void evloop_defer(struct evloop *ev, struct ev_defer *d);
/* Unqueue d if queued. Loop thread (or while no loop runs). */
void evloop_defer_cancel(struct evloop *ev, struct ev_defer *d);

/* Run in the calling thread until evloop_stop(); returns 0. */
int evloop_run(struct evloop *ev);
/* Run in a new thread. */
int evloop_start_thread(struct evloop *ev);
/* Ask the loop to return; thread-safe, idempotent. */
void evloop_stop(struct evloop *ev);
/* Nonzero when called from the loop thread. */
int evloop_in_loop(struct evloop *ev);

#endif
