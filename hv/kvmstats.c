#include "hv/kvmstats.h"

#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KVMSTATS_MAX_DESCS 4096
#define KVMSTATS_MAX_NAME  256
#define KVMSTATS_MAX_SIZE  4096  /* u64 elements of one histogram */

static int read_exact(kvmstats_reader_t rd, void *ctx, void *buf, size_t len, off_t off)
{
	return rd(ctx, buf, len, off) == (ssize_t)len ? 0 : -1;
}

static json_t *stat_value(const uint64_t *v, uint32_t size, uint32_t flags)
{
	json_t *arr;

	if (size == 1 && (flags & KVM_STATS_TYPE_MASK) != KVM_STATS_TYPE_LINEAR_HIST &&
	    (flags & KVM_STATS_TYPE_MASK) != KVM_STATS_TYPE_LOG_HIST)
		return json_integer((json_int_t)v[0]);
	arr = json_array();
	for (uint32_t i = 0; i < size; i++)
		json_array_append_new(arr, json_integer((json_int_t)v[i]));
	return arr;
}

json_t *kvmstats_read(kvmstats_reader_t rd, void *ctx, char *err, size_t errlen)
{
	struct kvm_stats_header h;
	size_t dsize;
	struct kvm_stats_desc *d = NULL;
	uint64_t *data = NULL;
	json_t *out = NULL;

	if (read_exact(rd, ctx, &h, sizeof(h), 0)) {
		snprintf(err, errlen, "stats header unreadable");
		return NULL;
	}
	if (h.num_desc > KVMSTATS_MAX_DESCS || h.name_size == 0 ||
	    h.name_size > KVMSTATS_MAX_NAME) {
		snprintf(err, errlen, "stats header implausible (%u descriptors, name size %u)",
			 h.num_desc, h.name_size);
		return NULL;
	}
	dsize = sizeof(*d) + h.name_size;
	d = calloc(1, dsize);
	data = calloc(KVMSTATS_MAX_SIZE, sizeof(*data));
	out = json_object();
	if (!d || !data || !out)
		goto fail_oom;
	for (uint32_t i = 0; i < h.num_desc; i++) {
		char name[KVMSTATS_MAX_NAME + 1];

		if (read_exact(rd, ctx, d, dsize, (off_t)h.desc_offset + (off_t)i * dsize)) {
			snprintf(err, errlen, "stats descriptor %u unreadable", i);
			goto fail;
		}
		if (d->size == 0 || d->size > KVMSTATS_MAX_SIZE) {
			snprintf(err, errlen, "stats descriptor %u has size %u", i, d->size);
			goto fail;
		}
		memcpy(name, d->name, h.name_size);
		name[h.name_size] = 0;
		if (!name[0])
			continue;
		if (read_exact(rd, ctx, data, d->size * sizeof(*data),
			       (off_t)h.data_offset + d->offset)) {
			snprintf(err, errlen, "stats data of %s unreadable", name);
			goto fail;
		}
		json_object_set_new(out, name, stat_value(data, d->size, d->flags));
	}
	free(d);
	free(data);
	return out;
fail_oom:
	snprintf(err, errlen, "out of memory");
fail:
	free(d);
	free(data);
	json_decref(out);
	return NULL;
}

static ssize_t fd_reader(void *ctx, void *buf, size_t len, off_t off)
{
	return pread(*(int *)ctx, buf, len, off);
}

json_t *kvmstats_read_fd(int fd, char *err, size_t errlen)
{
	return kvmstats_read(fd_reader, &fd, err, errlen);
}
