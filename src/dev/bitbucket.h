/*
 * A window that reads as zero and ignores writes (c7200.md §3.1 "bit
 * bucket" at 0x1F000000).
 */
#ifndef DEV_BITBUCKET_H
#define DEV_BITBUCKET_H

#include "dev/device.h"

/* A shared, stateless device: never destroyed. */
struct device *bitbucket_device(void);

#endif
