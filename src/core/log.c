/* Log sink of a dynamips process: timestamped lines, one mutex. */
#include "core/log.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

struct logger {
    FILE *fp;
    int echo;
    pthread_mutex_t lock;
};

struct logger *log_open(const char *path)
{
    struct logger *lg = calloc(1, sizeof(*lg));
    if (!lg)
        return NULL;
    pthread_mutex_init(&lg->lock, NULL);
    if (path) {
        lg->fp = fopen(path, "w");
        if (!lg->fp) {
            free(lg);
            return NULL;
        }
        setvbuf(lg->fp, NULL, _IOLBF, 0);
    }
    return lg;
}

void log_close(struct logger *lg)
{
    if (!lg)
        return;
    if (lg->fp)
        fclose(lg->fp);
    pthread_mutex_destroy(&lg->lock);
    free(lg);
}

void log_set_echo(struct logger *lg, int on)
{
    if (lg)
        lg->echo = on;
}

void log_vmsg(struct logger *lg, const char *tag, const char *fmt, va_list ap)
{
    if (!lg || (!lg->fp && !lg->echo))
        return;
    char msg[1024];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = 0;

    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    char ts[32];
    strftime(ts, sizeof(ts), "%b %d %H:%M:%S", &tm);

    pthread_mutex_lock(&lg->lock);
    if (lg->fp)
        fprintf(lg->fp, "%s.%03ld %s: %s\n", ts, (long)(tv.tv_usec / 1000),
                tag ? tag : "-", msg);
    if (lg->echo)
        fprintf(stderr, "%s: %s\n", tag ? tag : "-", msg);
    pthread_mutex_unlock(&lg->lock);
}

void log_msg(struct logger *lg, const char *tag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(lg, tag, fmt, ap);
    va_end(ap);
}
