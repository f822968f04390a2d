/* KVM binary stats parsing on synthetic buffers laid out as the kernel
 * does (header, descriptors with names, u64 data). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/types.h>

#include "hv/kvmstats.h"

#define NAME_SIZE 48

struct buf {
	uint8_t data[4096];
	size_t len;
};

static ssize_t buf_reader(void *ctx, void *out, size_t len, off_t off)
{
	struct buf *b = ctx;

	if (off < 0 || (size_t)off > b->len)
		return -1;
	if (len > b->len - off)
		len = b->len - off;
	memcpy(out, b->data + off, len);
	return (ssize_t)len;
}

/* Three stats: a counter, a 4-bucket histogram, a peak value. */
static void build(struct buf *b, uint32_t num_desc)
{
	struct kvm_stats_header h = {
		.name_size = NAME_SIZE, .num_desc = num_desc, .id_offset = sizeof(h),
		.desc_offset = sizeof(h) + 64,
	};
	size_t dsize = sizeof(struct kvm_stats_desc) + NAME_SIZE;
	const char *names[] = { "exits", "halt_wait_hist", "max_mmu_rmap_size" };
	uint16_t sizes[] = { 1, 4, 1 };
	uint32_t types[] = { KVM_STATS_TYPE_CUMULATIVE, KVM_STATS_TYPE_LOG_HIST,
			     KVM_STATS_TYPE_PEAK };
	uint64_t values[] = { 1234, 1, 2, 3, 4, 77 };
	uint32_t off = 0;

	memset(b, 0, sizeof(*b));
	h.data_offset = h.desc_offset + 3 * dsize;
	memcpy(b->data, &h, sizeof(h));
	strcpy((char *)b->data + sizeof(h), "kvm-1234");
	for (int i = 0; i < 3; i++) {
		struct kvm_stats_desc *d = (void *)(b->data + h.desc_offset + i * dsize);

		d->flags = types[i] | KVM_STATS_UNIT_NONE | KVM_STATS_BASE_POW10;
		d->size = sizes[i];
		d->offset = off;
		strcpy(d->name, names[i]);
		off += sizes[i] * 8;
	}
	memcpy(b->data + h.data_offset, values, sizeof(values));
	b->len = h.data_offset + sizeof(values);
}

static void test_parse(void **state)
{
	struct buf b;
	char err[128];
	json_t *j, *hist;

	(void)state;
	build(&b, 3);
	j = kvmstats_read(buf_reader, &b, err, sizeof(err));
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "exits")), 1234);
	assert_int_equal(json_integer_value(json_object_get(j, "max_mmu_rmap_size")), 77);
	hist = json_object_get(j, "halt_wait_hist");
	assert_true(json_is_array(hist));
	assert_int_equal(json_array_size(hist), 4);
	assert_int_equal(json_integer_value(json_array_get(hist, 3)), 4);
	json_decref(j);
}

static void test_truncated(void **state)
{
	struct buf b;
	char err[128] = "";

	(void)state;
	build(&b, 3);
	b.len -= 8;   /* last value cut off */
	assert_null(kvmstats_read(buf_reader, &b, err, sizeof(err)));
	assert_non_null(strstr(err, "max_mmu_rmap_size"));
	b.len = 10;   /* header cut off */
	assert_null(kvmstats_read(buf_reader, &b, err, sizeof(err)));
}

static void test_implausible_header(void **state)
{
	struct buf b;
	char err[128] = "";

	(void)state;
	build(&b, 1000000);
	assert_null(kvmstats_read(buf_reader, &b, err, sizeof(err)));
	assert_non_null(strstr(err, "implausible"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_implausible_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
