/* KVM binary statistics (KVM_GET_STATS_FD, Documentation/virt/kvm/api.rst
 * 4.133): a header, descriptors with names, then u64 data. Names differ
 * between kernel versions, so everything is keyed by name. */
#ifndef HV_KVMSTATS_H
#define HV_KVMSTATS_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

/* Read the stats behind `fd` into a JSON object {name: value}. Histograms
 * become arrays; everything else a number. Returns NULL with a reason in
 * err when the file is malformed. `reader` is pread-like (a real fd uses
 * pread; tests pass a buffer reader). */
typedef ssize_t (*kvmstats_reader_t)(void *ctx, void *buf, size_t len, off_t off);

json_t *kvmstats_read(kvmstats_reader_t reader, void *ctx, char *err, size_t errlen);
json_t *kvmstats_read_fd(int fd, char *err, size_t errlen);

#endif
