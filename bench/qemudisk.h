/* hv's --disk specification as QEMU microvm options: the same raw image
 * behind QEMU's virtio-blk on virtio-mmio, with the closest cache and I/O
 * settings, so a `disk` knob means the same disk under either VMM. */
#ifndef BENCH_QEMUDISK_H
#define BENCH_QEMUDISK_H

#include <stddef.h>

/* "FILE[,ro][,backend=sync|io_uring][,cache=host|direct][,serial=S]"
 * (hv/virtio/blk.c) for disk number idx ->
 *   drive: "file=FILE,format=raw,if=none,id=hvperf-diskN,cache=C,aio=A[,readonly=on]"
 *   dev:   "virtio-blk-device,drive=hvperf-diskN,serial=S"
 * cache=direct -> cache=none (O_DIRECT), host -> writeback (hv's default);
 * backend=io_uring -> aio=io_uring, sync -> aio=threads (hv's default);
 * the serial defaults to hv's, hvperf-diskN. Commas in FILE are doubled
 * (QEMU's option syntax). -1 with err for what hv would refuse. */
int qemudisk_args(const char *spec, int idx, char *drive, size_t dlen,
		  char *dev, size_t devlen, char *err, size_t errlen);

#endif
