/* Block I/O for the storage workloads, implemented twice so the guest and
 * native runs issue the same requests from the same workload code:
 *   micro-guest: virtio-blk driven from ring 3 (workloads/microguest/blk_virtio.c)
 *   native:      the same file with O_DIRECT: pread/pwrite at depth 1,
 *                io_uring above (workloads/native/blk_native.c)
 * Requests are whole 512-byte sectors; buffers come from wl_alloc (4 KiB
 * aligned for O_DIRECT). Completion is polled. */
#ifndef WL_BLK_H
#define WL_BLK_H

#include <stddef.h>
#include <stdint.h>

#define WL_BLK_SECTOR   512
#define WL_BLK_MAX_QD   64

enum wl_blk_op { WL_BLK_READ, WL_BLK_WRITE, WL_BLK_FLUSH };

struct wl_blk;

/* micro: disk=N picks the Nth virtio-blk device (0); native: file=PATH.
 * qd = the deepest queue the caller will use. NULL with err filled. */
struct wl_blk *wl_blk_open(int argc, char **argv, unsigned qd, char *err, size_t errlen);
uint64_t wl_blk_sectors(const struct wl_blk *b);
/* "virtio-blk", "odirect-pread" or "odirect-io_uring" */
const char *wl_blk_path(const struct wl_blk *b, unsigned qd);
/* The depth the next requests run at (native: pread/pwrite at 1,
 * io_uring above; micro: nothing changes). */
void wl_blk_depth(struct wl_blk *b, unsigned qd);
/* Queue one request (not yet submitted); 0, or -1 when the queue is full. */
int wl_blk_queue(struct wl_blk *b, enum wl_blk_op op, uint64_t sector, void *buf,
		 uint32_t len, uint64_t tag);
/* Hand queued requests to the device (kick / io_uring_submit). */
void wl_blk_submit(struct wl_blk *b);
/* One completion: 1 with tag and status (0 = ok), 0 when none is ready. */
int wl_blk_reap(struct wl_blk *b, uint64_t *tag, int *status);
/* The device's serial (GET_ID, §5.2.6) or the file name; 0 or -1. */
int wl_blk_id(struct wl_blk *b, char *buf, size_t len);
/* Counters for the result line: kicks issued and kicks saved. */
void wl_blk_counters(const struct wl_blk *b, uint64_t *kicks, uint64_t *saved);

#endif
