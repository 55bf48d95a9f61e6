/*
 * The name of a switching device (hub, Ethernet / Frame Relay / ATM
 * switch, ATM bridge), which a rename may change while frames flow: the
 * device's lock guards it.
 */
#ifndef NET_DEV_NAME_H
#define NET_DEV_NAME_H

#include <pthread.h>

/* *name becomes a copy of new_name under lock; -EINVAL for a missing or
 * empty name (or no memory to copy it), the old name kept. */
int dev_name_set(pthread_mutex_t *lock, char **name, const char *new_name);

#endif
