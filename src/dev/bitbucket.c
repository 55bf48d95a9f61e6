/* Zero-reading, write-ignoring window. Stateless, so one instance serves
 * every VM. */
#include "dev/bitbucket.h"

static uint64_t bitbucket_read(struct device *dev, uint64_t off, unsigned size)
{
    return 0;
}

static void bitbucket_write(struct device *dev, uint64_t off, unsigned size,
                            uint64_t v)
{
}

static const struct device_ops bitbucket_ops = {
    .read = bitbucket_read,
    .write = bitbucket_write,
};

static struct device bitbucket = {.name = "bitbucket", .ops = &bitbucket_ops};

struct device *bitbucket_device(void)
{
    return &bitbucket;
}
