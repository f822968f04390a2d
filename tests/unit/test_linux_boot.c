/* hv/boot: bzImage header validation, placement, e820, initrd checks and
 * the zero page, on a synthetic bzImage buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/boot/linux.h"
#include "hv/layout.h"
#include "hv/memory.h"

#define SETUP_SECTS   4
#define SETUP_LEN     ((SETUP_SECTS + 1) * 512)
#define KERNEL_LEN    8192
#define IMG_LEN       (SETUP_LEN + KERNEL_LEN)
#define MiB           (1ULL << 20)
#define GiB           (1ULL << 30)

static uint8_t img[IMG_LEN];

static void put16(size_t off, uint16_t v) { memcpy(img + off, &v, 2); }
static void put32(size_t off, uint32_t v) { memcpy(img + off, &v, 4); }
static void put64(size_t off, uint64_t v) { memcpy(img + off, &v, 8); }

/* A minimal valid bzImage: protocol 2.15, relocatable, 64-bit entry. */
static int make_image(void **state)
{
	(void)state;
	memset(img, 0, sizeof(img));
	img[0x1f1] = SETUP_SECTS;
	put32(0x1f4, KERNEL_LEN / 16);          /* syssize */
	put16(0x1fe, 0xaa55);
	img[0x200] = 0xeb;                      /* jmp */
	img[0x201] = 0x268 - 0x202;             /* header ends at 0x268 */
	memcpy(img + 0x202, "HdrS", 4);
	put16(0x206, 0x020f);
	img[0x211] = LOADED_HIGH;
	put32(0x22c, 0x7fffffff);               /* initrd_addr_max */
	put32(0x230, 2 * MiB);                  /* kernel_alignment */
	img[0x234] = 1;                         /* relocatable */
	put16(0x236, XLF_KERNEL_64);
	put32(0x238, 2047);                     /* cmdline_size */
	put64(0x258, 16 * MiB);                 /* pref_address */
	put32(0x260, 4 * MiB);                  /* init_size */
	for (size_t i = SETUP_LEN; i < IMG_LEN; i++)
		img[i] = (uint8_t)i;
	return 0;
}

static void expect_error(size_t len, const char *what)
{
	struct bzimage bz;
	char err[256] = "";

	assert_int_equal(bzimage_parse(img, len, &bz, err, sizeof(err)), -1);
	if (!strstr(err, what))
		fail_msg("error \"%s\" does not mention \"%s\"", err, what);
}

static void test_parse_valid(void **state)
{
	struct bzimage bz;
	char err[256] = "";

	(void)state;
	assert_int_equal(bzimage_parse(img, IMG_LEN, &bz, err, sizeof(err)), 0);
	assert_int_equal(bz.version, 0x020f);
	assert_int_equal(bz.setup_len, SETUP_LEN);
	assert_int_equal(bz.kernel_len, KERNEL_LEN);
	assert_ptr_equal(bz.kernel, img + SETUP_LEN);
	assert_int_equal(bz.pref_address, 16 * MiB);
	assert_int_equal(bz.init_size, 4 * MiB);
	assert_int_equal(bz.cmdline_size, 2047);
	assert_true(bz.relocatable);
	assert_int_equal(bz.hdr_end, 0x268);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_error(0x100, "no HdrS signature");
	img[0x202] = 'X';
	expect_error(IMG_LEN, "no HdrS signature");
	make_image(NULL);
	put16(0x1fe, 0);
	expect_error(IMG_LEN, "0xAA55");
	make_image(NULL);
	put16(0x206, 0x020b);
	expect_error(IMG_LEN, "too old");
	make_image(NULL);
	put16(0x236, 0);
	expect_error(IMG_LEN, "no 64-bit entry");
	make_image(NULL);
	img[0x211] = 0;
	expect_error(IMG_LEN, "zImage");
	make_image(NULL);
	expect_error(SETUP_LEN - 1, "truncated");
	expect_error(IMG_LEN - 16, "truncated");      /* syssize says more */
	img[0x201] = 0x10;
	expect_error(IMG_LEN, "too short");
	make_image(NULL);
	put32(0x230, 3 * MiB);                         /* not a power of two */
	expect_error(IMG_LEN, "kernel_alignment");
	make_image(NULL);
}

static void test_place(void **state)
{
	struct bzimage bz;
	char err[256];
	uint64_t load = 0;

	(void)state;
	assert_int_equal(bzimage_parse(img, IMG_LEN, &bz, err, sizeof(err)), 0);
	assert_int_equal(bzimage_place(&bz, 256 * MiB, &load), 0);
	assert_int_equal(load, 16 * MiB);
	/* pref_address + init_size beyond RAM: relocated to the first
	 * aligned address above 1 MiB */
	assert_int_equal(bzimage_place(&bz, 18 * MiB, &load), 0);
	assert_int_equal(load, 2 * MiB);
	assert_int_equal(bzimage_place(&bz, 5 * MiB, &load), -1);
	bz.relocatable = false;
	assert_int_equal(bzimage_place(&bz, 18 * MiB, &load), -1);
	bz.pref_address = UINT64_MAX - 1;              /* hostile: no overflow */
	assert_int_equal(bzimage_place(&bz, 256 * MiB, &load), -1);
}

static void test_e820_small(void **state)
{
	struct boot_e820_entry t[8];
	int n = e820_build(t, 8, 256 * MiB, 0);

	(void)state;
	assert_int_equal(n, 3);
	assert_int_equal(t[0].addr, 0);
	assert_int_equal(t[0].size, EBDA_START);
	assert_int_equal(t[0].type, E820_TYPE_RAM);
	assert_int_equal(t[1].addr, EBDA_START);
	assert_int_equal(t[1].addr + t[1].size, BIOS_AREA_END);
	assert_int_equal(t[1].type, E820_TYPE_RESERVED);
	assert_true(t[1].addr <= ACPI_TABLES_START && ACPI_TABLES_END <= t[1].addr + t[1].size);
	assert_int_equal(t[2].addr, BIOS_AREA_END);
	assert_int_equal(t[2].addr + t[2].size, 256 * MiB);
	assert_int_equal(t[2].type, E820_TYPE_RAM);
}

static void test_e820_above_hole(void **state)
{
	struct boot_e820_entry t[8];
	uint64_t low, high;
	int n;

	(void)state;
	guest_mem_layout(4 * GiB, &low, &high);
	n = e820_build(t, 8, low, high);
	assert_int_equal(n, 4);
	assert_int_equal(t[2].addr + t[2].size, GUEST_LOW_RAM_END);
	assert_int_equal(t[3].addr, GUEST_HIGH_RAM_START);
	assert_int_equal(t[3].size, 4 * GiB - GUEST_LOW_RAM_END);
	assert_int_equal(t[3].type, E820_TYPE_RAM);
	/* the table is bounded by max */
	assert_int_equal(e820_build(t, 2, low, high), 2);
	/* RAM smaller than the EBDA: one entry, nothing reserved */
	assert_int_equal(e820_build(t, 8, 0x80000, 0), 1);
	assert_int_equal(t[0].size, 0x80000);
}

static void test_initrd(void **state)
{
	uint8_t buf[64] = { 0 };

	(void)state;
	memcpy(buf, "070701", 6);
	assert_string_equal(initrd_format(buf, sizeof(buf)), "cpio (newc)");
	memcpy(buf, "\x28\xb5\x2f\xfd", 4);
	assert_string_equal(initrd_format(buf, sizeof(buf)), "zstd");
	memcpy(buf, "\x1f\x8b", 2);
	assert_string_equal(initrd_format(buf, sizeof(buf)), "gzip");
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 16, "070701", 6);                 /* NUL padding first */
	assert_non_null(initrd_format(buf, sizeof(buf)));
	memset(buf, 0xa5, sizeof(buf));
	assert_null(initrd_format(buf, sizeof(buf)));
	assert_null(initrd_format(buf, 1));
	memset(buf, 0, sizeof(buf));
	assert_null(initrd_format(buf, sizeof(buf)));  /* all zero */

	/* high in RAM, page aligned, above the kernel */
	assert_int_equal(initrd_place(10000, 256 * MiB, 0x7fffffff, 20 * MiB),
			 (256 * MiB - 10000) & ~0xfffULL);
	/* initrd_addr_max below the end of RAM wins */
	assert_int_equal(initrd_place(4096, 256 * MiB, 64 * MiB - 1, 20 * MiB),
			 64 * MiB - 4096);
	assert_int_equal(initrd_place(240 * MiB, 256 * MiB, 0x7fffffff, 20 * MiB), 0);
	assert_int_equal(initrd_place(0, 256 * MiB, 0x7fffffff, 0), 0);
	assert_int_equal(initrd_place(4096, 256 * MiB, 0, 0), 0);
}

static void test_bootparams(void **state)
{
	static struct boot_params bp;
	struct linux_boot_info info = {
		.cmdline_gpa = LINUX_CMDLINE_GPA, .initrd_gpa = 200 * MiB,
		.initrd_size = 5 * MiB + 7, .rsdp_gpa = ACPI_TABLES_START,
		.low_size = GUEST_LOW_RAM_END, .high_size = GiB,
	};
	struct bzimage bz;
	char err[256];

	(void)state;
	assert_int_equal(bzimage_parse(img, IMG_LEN, &bz, err, sizeof(err)), 0);
	memset(&bp, 0x5a, sizeof(bp));
	bootparams_build(&bp, &bz, &info);
	assert_memory_equal(&bp.hdr.header, "HdrS", 4);
	assert_int_equal(bp.hdr.boot_flag, 0xaa55);
	assert_int_equal(bp.hdr.version, 0x020f);
	assert_int_equal(bp.hdr.setup_sects, SETUP_SECTS);
	assert_int_equal(bp.hdr.type_of_loader, 0xff);
	assert_true(bp.hdr.loadflags & LOADED_HIGH);
	assert_true(bp.hdr.loadflags & CAN_USE_HEAP);
	assert_int_not_equal(bp.hdr.heap_end_ptr, 0);
	assert_int_equal(bp.hdr.cmd_line_ptr, LINUX_CMDLINE_GPA);
	assert_int_equal(bp.ext_cmd_line_ptr, 0);
	assert_int_equal(bp.hdr.ramdisk_image, 200 * MiB);
	assert_int_equal(bp.hdr.ramdisk_size, 5 * MiB + 7);
	assert_int_equal(bp.ext_ramdisk_image, 0);
	assert_int_equal(bp.ext_ramdisk_size, 0);
	assert_int_equal(bp.acpi_rsdp_addr, ACPI_TABLES_START);
	assert_int_equal(bp.hdr.init_size, 4 * MiB);
	assert_int_equal(bp.e820_entries, 4);
	assert_int_equal(bp.e820_table[3].addr, GUEST_HIGH_RAM_START);
	/* fields the loader does not own are zero, not left over */
	assert_int_equal(bp.screen_info.orig_video_isVGA, 0);
	assert_int_equal(bp.e820_table[4].size, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_parse_valid, make_image),
		cmocka_unit_test_setup(test_parse_errors, make_image),
		cmocka_unit_test_setup(test_place, make_image),
		cmocka_unit_test(test_e820_small),
		cmocka_unit_test(test_e820_above_hole),
		cmocka_unit_test(test_initrd),
		cmocka_unit_test_setup(test_bootparams, make_image),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
