/* hv/virtio/mmio.c: registers, feature negotiation and the status state
 * machine (virtio 1.x §2.1, §3.1.1, §4.2.2), with the test as the driver. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/virtio/mmio.h"
#include "tests/unit/vq_harness.h"

#define FEAT_DEV_BIT 3   /* a device feature we offer */

static int notified, resets, cfg_writes;
static uint8_t config[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

static void t_notify(struct virtio_mmio_dev *d, int q) { (void)d; (void)q; notified++; }
static void t_reset(struct virtio_mmio_dev *d) { (void)d; resets++; }
static void t_cfg(struct virtio_mmio_dev *d, uint32_t off, const uint8_t *p, uint32_t len)
{
	(void)d;
	cfg_writes++;
	memcpy(config + off, p, len);
}

static const struct virtio_dev_ops ops = {
	.notify = t_notify, .reset = t_reset, .config_write = t_cfg,
};

static uint32_t rd(struct virtio_mmio_dev *d, uint64_t off)
{
	uint32_t v;

	virtio_mmio_access(d, off, (uint8_t *)&v, 4, false);
	return v;
}

static void wr(struct virtio_mmio_dev *d, uint64_t off, uint32_t v)
{
	virtio_mmio_access(d, off, (uint8_t *)&v, 4, true);
}

static void setup(struct virtio_mmio_dev *d, struct vqh *h)
{
	notified = resets = cfg_writes = 0;
	virtio_mmio_init(d, NULL, "virtio-test0", 42, VIRTIO_FEAT(FEAT_DEV_BIT), 2,
			 config, sizeof(config), &ops, NULL);
	vqh_init(h, 8);
	d->q[0].vq.mem = d->q[1].vq.mem = &h->mem;
}

/* The §3.1.1 sequence up to FEATURES_OK; returns the Status read back. */
static uint32_t negotiate(struct virtio_mmio_dev *d, uint32_t lo, uint32_t hi)
{
	wr(d, 0x70, VIRTIO_STAT_ACKNOWLEDGE);
	wr(d, 0x70, VIRTIO_STAT_ACKNOWLEDGE | VIRTIO_STAT_DRIVER);
	wr(d, 0x24, 0);
	wr(d, 0x20, lo);
	wr(d, 0x24, 1);
	wr(d, 0x20, hi);
	wr(d, 0x70, VIRTIO_STAT_ACKNOWLEDGE | VIRTIO_STAT_DRIVER | VIRTIO_STAT_FEATURES_OK);
	return rd(d, 0x70);
}

static void setup_queue(struct virtio_mmio_dev *d, uint32_t q, uint32_t num)
{
	wr(d, 0x30, q);
	wr(d, 0x38, num);
	wr(d, 0x80, VQH_DESC);
	wr(d, 0x84, 0);
	wr(d, 0x90, VQH_AVAIL);
	wr(d, 0xa0, VQH_USED);
	wr(d, 0x44, 1);
}

static void test_identity(void **state)
{
	struct virtio_mmio_dev d;
	struct vqh h;
	uint16_t v16 = 0xffff;

	(void)state;
	setup(&d, &h);
	assert_int_equal(rd(&d, 0x000), 0x74726976);
	assert_int_equal(rd(&d, 0x004), 2);
	assert_int_equal(rd(&d, 0x008), 42);
	assert_int_equal(rd(&d, 0x00c), 0x554d4551);
	wr(&d, 0x14, 0);
	assert_int_equal(rd(&d, 0x10), (1u << FEAT_DEV_BIT) | (1u << VIRTIO_F_INDIRECT_DESC) |
			 (1u << VIRTIO_F_EVENT_IDX));
	wr(&d, 0x14, 1);
	assert_int_equal(rd(&d, 0x10), 1);       /* VIRTIO_F_VERSION_1 is bit 32 */
	wr(&d, 0x14, 7);
	assert_int_equal(rd(&d, 0x10), 0);
	/* control registers are 32-bit only */
	virtio_mmio_access(&d, 0x000, (uint8_t *)&v16, 2, false);
	assert_int_equal(v16, 0);
	/* write to a read-only register changes nothing */
	wr(&d, 0x008, 7);
	assert_int_equal(rd(&d, 0x008), 42);
	vqh_free(&h);
}

static void test_feature_negotiation(void **state)
{
	struct virtio_mmio_dev d;
	struct vqh h;
	uint32_t ok = VIRTIO_STAT_ACKNOWLEDGE | VIRTIO_STAT_DRIVER | VIRTIO_STAT_FEATURES_OK;

	(void)state;
	setup(&d, &h);
	/* a bit the device did not offer */
	assert_int_equal(negotiate(&d, 1u << 7, 1) & VIRTIO_STAT_FEATURES_OK, 0);
	wr(&d, 0x70, 0);
	/* no VIRTIO_F_VERSION_1: legacy drivers are refused */
	assert_int_equal(negotiate(&d, 1u << FEAT_DEV_BIT, 0) & VIRTIO_STAT_FEATURES_OK, 0);
	wr(&d, 0x70, 0);
	/* bits beyond 63 */
	wr(&d, 0x70, VIRTIO_STAT_ACKNOWLEDGE | VIRTIO_STAT_DRIVER);
	wr(&d, 0x24, 2);
	wr(&d, 0x20, 1);
	assert_int_equal(negotiate(&d, 0, 1) & VIRTIO_STAT_FEATURES_OK, 0);
	wr(&d, 0x70, 0);
	/* a proper subset with event idx */
	assert_int_equal(negotiate(&d, (1u << FEAT_DEV_BIT) | (1u << VIRTIO_F_EVENT_IDX), 1), ok);
	assert_true(virtio_mmio_has_feature(&d, FEAT_DEV_BIT));
	assert_true(d.q[0].vq.event_idx);
	assert_false(d.q[0].vq.indirect);
	/* features are frozen after FEATURES_OK */
	wr(&d, 0x24, 0);
	wr(&d, 0x20, 0);
	assert_true(virtio_mmio_has_feature(&d, FEAT_DEV_BIT));
	vqh_free(&h);
}

static void test_status_machine(void **state)
{
	struct virtio_mmio_dev d;
	struct vqh h;

	(void)state;
	setup(&d, &h);
	/* DRIVER without ACKNOWLEDGE, DRIVER_OK without FEATURES_OK */
	wr(&d, 0x70, VIRTIO_STAT_DRIVER);
	assert_int_equal(rd(&d, 0x70), 0);
	wr(&d, 0x70, VIRTIO_STAT_ACKNOWLEDGE | VIRTIO_STAT_DRIVER | VIRTIO_STAT_DRIVER_OK);
	assert_int_equal(rd(&d, 0x70), VIRTIO_STAT_ACKNOWLEDGE | VIRTIO_STAT_DRIVER);
	/* the driver cannot set NEEDS_RESET */
	wr(&d, 0x70, VIRTIO_STAT_ACKNOWLEDGE | VIRTIO_STAT_DRIVER | VIRTIO_STAT_NEEDS_RESET);
	assert_int_equal(rd(&d, 0x70) & VIRTIO_STAT_NEEDS_RESET, 0);
	/* nor clear bits without a reset */
	wr(&d, 0x70, VIRTIO_STAT_ACKNOWLEDGE);
	assert_int_equal(rd(&d, 0x70), VIRTIO_STAT_ACKNOWLEDGE | VIRTIO_STAT_DRIVER);
	wr(&d, 0x70, 0);
	assert_int_equal(rd(&d, 0x70), 0);
	assert_int_equal(resets, 1);
	vqh_free(&h);
}

static void test_queue_setup_and_notify(void **state)
{
	struct virtio_mmio_dev d;
	struct vqh h;

	(void)state;
	setup(&d, &h);
	negotiate(&d, 1u << VIRTIO_F_EVENT_IDX, 1);
	wr(&d, 0x30, 0);
	assert_int_equal(rd(&d, 0x34), VIRTQ_NUM_MAX);
	wr(&d, 0x30, 5);                         /* no such queue */
	assert_int_equal(rd(&d, 0x34), 0);
	wr(&d, 0x44, 1);
	assert_int_equal(rd(&d, 0x44), 0);
	setup_queue(&d, 0, 8);
	assert_int_equal(rd(&d, 0x44), 1);
	assert_int_equal(d.q[0].vq.desc_gpa, VQH_DESC);
	/* addresses are frozen while ready */
	wr(&d, 0x80, 0x5000);
	assert_int_equal(d.q[0].vq.desc_gpa, VQH_DESC);
	/* kicks reach the device only after DRIVER_OK */
	wr(&d, 0x50, 0);
	assert_int_equal(notified, 0);
	wr(&d, 0x70, rd(&d, 0x70) | VIRTIO_STAT_DRIVER_OK);
	wr(&d, 0x50, 0);
	wr(&d, 0x50, 1);                         /* queue 1 not ready */
	wr(&d, 0x50, 0xffff);                    /* no such queue */
	assert_int_equal(notified, 1);
	/* used buffer -> interrupt, InterruptACK clears it */
	virtq_push(&d.q[0].vq, 0, 0);
	virtio_mmio_signal_vq(&d, &d.q[0].vq);
	assert_int_equal(rd(&d, 0x60), VIRTIO_ISR_VRING);
	assert_int_equal(atomic_load(&d.interrupts), 1);
	wr(&d, 0x64, VIRTIO_ISR_VRING);
	assert_int_equal(rd(&d, 0x60), 0);
	vqh_free(&h);
}

static void test_bad_queue_needs_reset(void **state)
{
	struct virtio_mmio_dev d;
	struct vqh h;

	(void)state;
	setup(&d, &h);
	negotiate(&d, 0, 1);
	setup_queue(&d, 1, 8);
	wr(&d, 0x70, rd(&d, 0x70) | VIRTIO_STAT_DRIVER_OK);
	setup_queue(&d, 0, 3);                   /* not a power of two */
	assert_int_equal(rd(&d, 0x44), 0);
	assert_true(rd(&d, 0x70) & VIRTIO_STAT_NEEDS_RESET);
	/* §2.1.2: a config change notification */
	assert_int_equal(rd(&d, 0x60), VIRTIO_ISR_CONFIG);
	/* a broken device ignores kicks until reset */
	wr(&d, 0x50, 1);
	assert_int_equal(notified, 0);
	wr(&d, 0x70, 0);
	assert_int_equal(rd(&d, 0x70), 0);
	assert_int_equal(rd(&d, 0x60), 0);
	assert_int_equal(d.q[1].vq.ready, 0);
	/* after the reset the device works again */
	negotiate(&d, 0, 1);
	setup_queue(&d, 0, 8);
	wr(&d, 0x70, rd(&d, 0x70) | VIRTIO_STAT_DRIVER_OK);
	assert_true(virtio_mmio_live(&d));
	vqh_free(&h);
}

static void test_config_space(void **state)
{
	struct virtio_mmio_dev d;
	struct vqh h;
	uint8_t b = 0;
	uint16_t w = 0;
	uint64_t q = 0;
	uint32_t gen;

	(void)state;
	setup(&d, &h);
	virtio_mmio_access(&d, 0x100 + 2, &b, 1, false);
	assert_int_equal(b, 3);
	virtio_mmio_access(&d, 0x100 + 4, (uint8_t *)&w, 2, false);
	assert_int_equal(w, 0x0605);
	virtio_mmio_access(&d, 0x100 + 4, (uint8_t *)&q, 8, false);
	assert_int_equal(q, 0x0c0b0a0908070605ULL);
	/* past the end (partly or wholly) reads zero, writes are dropped */
	virtio_mmio_access(&d, 0x100 + 8, (uint8_t *)&q, 8, false);
	assert_int_equal(q, 0);
	virtio_mmio_access(&d, 0x100 + 0xeff, (uint8_t *)&q, 8, true);
	assert_int_equal(cfg_writes, 0);
	b = 0x77;
	virtio_mmio_access(&d, 0x100 + 1, &b, 1, true);
	assert_int_equal(cfg_writes, 1);
	assert_int_equal(config[1], 0x77);
	/* odd sizes are not config accesses */
	virtio_mmio_access(&d, 0x100, (uint8_t *)&q, 3, true);
	assert_int_equal(cfg_writes, 1);
	gen = rd(&d, 0xfc);
	virtio_mmio_config_changed(&d);
	assert_int_equal(rd(&d, 0xfc), gen + 1);
	assert_int_equal(rd(&d, 0x60), VIRTIO_ISR_CONFIG);
	vqh_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_feature_negotiation),
		cmocka_unit_test(test_status_machine),
		cmocka_unit_test(test_queue_setup_and_notify),
		cmocka_unit_test(test_bad_queue_needs_reset),
		cmocka_unit_test(test_config_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
