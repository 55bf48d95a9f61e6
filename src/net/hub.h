/*
 * Hub, the hypervisor's "nio_bridge" (shared spec network.md §8): up to 32
 * member NIOs; every frame received on one is sent, unchanged, to all the
 * others in slot order, never back to the sender. No learning, no checks,
 * any frame type (Ethernet, serial, ATM cells). Frames are repeated on the
 * event loop thread as they arrive; management is thread-safe.
 */
#ifndef NET_HUB_H
#define NET_HUB_H

#include <stdint.h>

struct logger;
struct nio;
struct hub;

#define HUB_MAX_PORTS 32 /* spec §8 */

int hub_create(struct hub **out, struct logger *lg, const char *name);
/* Removes every member (releasing its NIO) and frees the hub. */
void hub_destroy(struct hub *hub);
const char *hub_name(const struct hub *hub);
int hub_rename(struct hub *hub, const char *name);

/* -EEXIST already a member, -ENOSPC 32 members, -EBUSY other receiver. */
int hub_add_nio(struct hub *hub, struct nio *nio);
/* -ENOENT: not a member. */
int hub_remove_nio(struct hub *hub, struct nio *nio);
/* Members in slot order. */
void hub_foreach_nio(struct hub *hub, void (*fn)(void *arg, struct nio *nio),
                     void *arg);
/* Frames repeated (received on a member). */
uint64_t hub_frames(struct hub *hub);

#endif
