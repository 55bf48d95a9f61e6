/* Names of switching devices; see dev_name.h. */
#include "net/dev_name.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int dev_name_set(pthread_mutex_t *lock, char **name, const char *new_name)
{
    char *n = new_name && *new_name ? strdup(new_name) : NULL;
    if (!n) {
        return -EINVAL;
    }
    pthread_mutex_lock(lock);
    free(*name);
    *name = n;
    pthread_mutex_unlock(lock);
    return 0;
}
