/* bzImage setup-header validation and kernel placement (Linux/x86 boot
 * protocol, Documentation/arch/x86/boot.rst). The image is a file from the
 * user: every field is checked before it is used. */
#include <stdio.h>
#include <string.h>

#include "hv/boot/linux.h"
#include "hv/layout.h"

#define SECTOR               512
#define OFF_SETUP_SECTS      0x1f1
#define OFF_SYSSIZE          0x1f4
#define OFF_BOOT_FLAG        0x1fe
#define OFF_JUMP             0x200   /* 2-byte jmp; its offset ends the header */
#define OFF_HEADER           0x202
#define OFF_VERSION          0x206
#define OFF_LOADFLAGS        0x211
#define OFF_INITRD_ADDR_MAX  0x22c
#define OFF_KERNEL_ALIGN     0x230
#define OFF_RELOCATABLE      0x234
#define OFF_XLOADFLAGS       0x236
#define OFF_CMDLINE_SIZE     0x238
#define OFF_PREF_ADDRESS     0x258
#define OFF_INIT_SIZE        0x260
#define HDR_END_MIN          0x268   /* through handover_offset (2.11+) */
#define BOOT_FLAG_MAGIC      0xaa55
#define HDRS_MAGIC           "HdrS"
#define SETUP_SECTS_DEFAULT  4       /* boot.rst: 0 means 4 */
#define MAX_KERNEL_ALIGN     (1u << 30)
#define PARAGRAPH            16      /* syssize unit */

static uint16_t get16(const uint8_t *p, size_t off)
{
	return (uint16_t)(p[off] | p[off + 1] << 8);
}

static uint32_t get32(const uint8_t *p, size_t off)
{
	return (uint32_t)get16(p, off) | (uint32_t)get16(p, off + 2) << 16;
}

static uint64_t get64(const uint8_t *p, size_t off)
{
	return (uint64_t)get32(p, off) | (uint64_t)get32(p, off + 4) << 32;
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

int bzimage_parse(const uint8_t *img, size_t len, struct bzimage *bz,
		  char *err, size_t errlen)
{
	unsigned sects;
	uint32_t syssize;

	memset(bz, 0, sizeof(*bz));
	if (len < OFF_VERSION + 2 || memcmp(img + OFF_HEADER, HDRS_MAGIC, 4))
		FAIL("is not a bzImage: no HdrS signature");
	if (get16(img, OFF_BOOT_FLAG) != BOOT_FLAG_MAGIC)
		FAIL("is not a bzImage: no 0xAA55 boot flag");
	bz->version = get16(img, OFF_VERSION);
	if (bz->version < LINUX_MIN_PROTOCOL)
		FAIL("boot protocol %u.%02u is too old: hv needs 2.12 or later for the 64-bit entry",
		     bz->version >> 8, bz->version & 0xff);
	bz->hdr_end = OFF_HEADER + img[OFF_JUMP + 1];
	if (bz->hdr_end < HDR_END_MIN || len < HDR_END_MIN)
		FAIL("is not a bzImage: setup header is too short (ends at 0x%zx)", bz->hdr_end);
	if (!(img[OFF_LOADFLAGS] & LOADED_HIGH))
		FAIL("is a zImage (loads below 1 MiB), not a bzImage");
	bz->xloadflags = (uint8_t)get16(img, OFF_XLOADFLAGS);
	if (!(bz->xloadflags & XLF_KERNEL_64))
		FAIL("has no 64-bit entry point (XLF_KERNEL_64 is not set)");

	sects = img[OFF_SETUP_SECTS] ? img[OFF_SETUP_SECTS] : SETUP_SECTS_DEFAULT;
	bz->setup_len = (size_t)(sects + 1) * SECTOR;
	if (bz->setup_len < bz->hdr_end || bz->setup_len >= len)
		FAIL("is truncated: %zu bytes, but its setup code alone is %zu", len,
		     bz->setup_len);
	bz->kernel = img + bz->setup_len;
	bz->kernel_len = len - bz->setup_len;
	syssize = get32(img, OFF_SYSSIZE);
	if ((uint64_t)syssize * PARAGRAPH > bz->kernel_len)
		FAIL("is truncated: its header announces a %llu-byte kernel, the file holds %zu",
		     (unsigned long long)syssize * PARAGRAPH, bz->kernel_len);

	bz->img = img;
	bz->len = len;
	bz->relocatable = img[OFF_RELOCATABLE] != 0;
	bz->kernel_alignment = get32(img, OFF_KERNEL_ALIGN);
	if (bz->relocatable && (!bz->kernel_alignment || bz->kernel_alignment > MAX_KERNEL_ALIGN ||
				(bz->kernel_alignment & (bz->kernel_alignment - 1))))
		FAIL("has an invalid kernel_alignment 0x%x", bz->kernel_alignment);
	bz->pref_address = get64(img, OFF_PREF_ADDRESS);
	bz->init_size = get32(img, OFF_INIT_SIZE);
	bz->cmdline_size = get32(img, OFF_CMDLINE_SIZE);
	bz->initrd_addr_max = get32(img, OFF_INITRD_ADDR_MAX);
	return 0;
}

static bool fits(uint64_t addr, uint64_t need, uint64_t low_end)
{
	return addr >= BIOS_AREA_END && addr <= low_end && need <= low_end - addr;
}

int bzimage_place(const struct bzimage *bz, uint64_t low_end, uint64_t *load)
{
	uint64_t need = bz->init_size > bz->kernel_len ? bz->init_size : bz->kernel_len;
	uint64_t pref = bz->pref_address ? bz->pref_address : LINUX_DEFAULT_LOAD;
	uint64_t align, addr;

	if (fits(pref, need, low_end) &&
	    (!bz->relocatable || !(pref & (bz->kernel_alignment - 1)))) {
		*load = pref;
		return 0;
	}
	if (!bz->relocatable)
		return -1;
	align = bz->kernel_alignment;
	addr = (BIOS_AREA_END + align - 1) & ~(align - 1);
	if (!fits(addr, need, low_end))
		return -1;
	*load = addr;
	return 0;
}
