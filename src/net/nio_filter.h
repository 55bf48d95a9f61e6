/*
 * Packet filters on an NIO (shared spec network.md §7): three slots, RX,
 * TX and BOTH. On send the TX slot runs, then BOTH; on receive RX, then
 * BOTH. A frame dropped in the first slot never reaches BOTH.
 *
 * Filters: "freq_drop" (drop every N-th frame, §7.2) and "capture" (write
 * a pcap file, §7.3-§7.5; link type by libpcap DLT name: en10mb, c_hdlc,
 * ppp_serial, frelay, atm_rfc1483...).
 *
 * Life cycle of a slot, as the hypervisor sees it: bind (filter attached,
 * empty state: passes everything), setup (arguments; the filter acts),
 * unbind (state freed, the filter stays attached, a second unbind is not
 * an error). All functions are thread-safe.
 */
#ifndef NET_NIO_FILTER_H
#define NET_NIO_FILTER_H

struct nio;

enum nio_dir { NIO_DIR_RX = 0, NIO_DIR_TX = 1, NIO_DIR_BOTH = 2 };

/* The hypervisor's direction argument: 0 RX, 1 TX, anything else BOTH. */
enum nio_dir nio_dir_from_int(long v);

/* -ENOENT: no filter by that name. Rebinding frees the previous state. */
int nio_filter_bind(struct nio *nio, enum nio_dir dir, const char *filter);
/* -ENOENT: nothing was ever bound in that slot. */
int nio_filter_unbind(struct nio *nio, enum nio_dir dir);
/* -ENOENT: nothing bound; -EINVAL: bad arguments (the old state stays);
 * other negative errno: the setup failed (e.g. capture file). */
int nio_filter_setup(struct nio *nio, enum nio_dir dir, int argc,
                     char *const argv[]);
/* Name of the filter bound in a slot, or NULL. */
const char *nio_filter_name(const struct nio *nio, enum nio_dir dir);

/*
 * libpcap link type for a capture link-type name without "DLT_", any case
 * (en10mb -> 1, c_hdlc -> 104, ppp_serial -> 50, frelay -> 107,
 * atm_rfc1483 -> 11). -ENOENT for an unknown name.
 */
int nio_capture_dlt(const char *name);

#endif
