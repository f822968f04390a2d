/* Initial ramdisk checks and placement (boot.rst: "ramdisk_image",
 * "initrd_addr_max"). The kernel unpacks a cpio archive, compressed or not,
 * possibly several concatenated (init/initramfs.c); we check only that the
 * file starts like one, so that a wrong file fails here and not in the
 * guest. */
#include <string.h>

#include "hv/boot/linux.h"

#define INITRD_MAX_ZERO_PAD 4096  /* the kernel skips NUL padding between archives */

struct magic {
	const char *name;
	const char *bytes;
	size_t len;
};

static const struct magic initrd_magics[] = {
	{ "cpio (newc)", "070701", 6 },
	{ "cpio (crc)", "070702", 6 },
	{ "cpio (odc)", "070707", 6 },
	{ "cpio (binary)", "\xc7\x71", 2 },
	{ "gzip", "\x1f\x8b", 2 },
	{ "gzip", "\x1f\x9e", 2 },
	{ "zstd", "\x28\xb5\x2f\xfd", 4 },
	{ "xz", "\xfd" "7zXZ\x00", 6 },
	{ "lz4", "\x02\x21\x4c\x18", 4 },   /* legacy frame, what the kernel packs */
	{ "lz4", "\x04\x22\x4d\x18", 4 },
	{ "bzip2", "BZh", 3 },
	{ "lzma", "\x5d\x00\x00", 3 },
	{ "lzo", "\x89LZO", 4 },
};

const char *initrd_format(const uint8_t *buf, size_t len)
{
	size_t skip = 0;

	while (skip < len && skip < INITRD_MAX_ZERO_PAD && !buf[skip])
		skip++;
	for (size_t i = 0; i < sizeof(initrd_magics) / sizeof(initrd_magics[0]); i++) {
		const struct magic *m = &initrd_magics[i];

		if (len - skip >= m->len && !memcmp(buf + skip, m->bytes, m->len))
			return m->name;
	}
	return NULL;
}

uint64_t initrd_place(uint64_t size, uint64_t low_end, uint32_t addr_max,
		      uint64_t floor)
{
	uint64_t top = low_end, addr;

	/* initrd_addr_max is the highest byte address the initrd may use */
	if ((uint64_t)addr_max + 1 < top)
		top = (uint64_t)addr_max + 1;
	if (!size || size > top)
		return 0;
	addr = (top - size) & ~(LINUX_INITRD_ALIGN - 1);
	return addr >= floor && addr ? addr : 0;
}
