/* --kernel: load a bzImage by the Linux/x86 boot protocol
 * (Documentation/arch/x86/boot.rst) and enter it at its 64-bit entry point:
 * paging on with an identity map, the boot GDT (__BOOT_CS 0x10, __BOOT_DS
 * 0x18), interrupts off, RSI = the zero page ("64-bit boot protocol"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/acpi/acpi.h"
#include "hv/boot/boot.h"
#include "hv/boot/linux.h"
#include "hv/boot/pagetable.h"
#include "hv/layout.h"
#include "hv/vm.h"

#define LINUX_MAX_IMAGE   (512u << 20)
#define LINUX_MAX_INITRD  (2048u << 20)
#define SZ_2M             (2ULL << 20)
#define IDENTITY_MAP_MIN  (4ULL << 30)

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); goto out; } while (0)

/* Identity-map all of low RAM and at least the first 4 GiB with 2M pages:
 * it covers the kernel, zero page, command line and initrd. */
static int linux_map_identity(struct vm *vm)
{
	struct pt_builder pt;

	if (pt_init(&pt, &vm->mem, LINUX_PAGETABLE_GPA, LINUX_PAGETABLE_LEN) ||
	    pt_map(&pt, 0, 0, IDENTITY_MAP_MIN, SZ_2M, PTE_W))
		return -1;
	vm->entry_cr3 = pt.pml4;
	return 0;
}

static int linux_copy_cmdline(struct vm *vm, const struct bzimage *bz,
			      char *err, size_t errlen)
{
	const char *cmdline = vm->cfg->cmdline ? vm->cfg->cmdline : "";
	size_t len = strlen(cmdline);
	char *dst;

	/* cmdline_size excludes the terminating NUL (boot.rst, protocol 2.06) */
	if (len > bz->cmdline_size || len + 1 > LINUX_CMDLINE_MAX) {
		snprintf(err, errlen, "--cmdline is %zu bytes, this kernel accepts at most %u",
			 len, bz->cmdline_size);
		return -1;
	}
	dst = guest_ptr(&vm->mem, LINUX_CMDLINE_GPA, len + 1);
	if (!dst) {
		snprintf(err, errlen, "guest RAM too small for the command line");
		return -1;
	}
	memcpy(dst, cmdline, len + 1);
	return 0;
}

static int linux_load_initrd(struct vm *vm, const struct bzimage *bz,
			     uint64_t kernel_end, struct linux_boot_info *info,
			     char *err, size_t errlen)
{
	const char *path = vm->cfg->initrd;
	size_t len = 0;
	char why[256];
	uint8_t *data = boot_read_file(path, LINUX_MAX_INITRD, &len, why, sizeof(why));
	uint64_t gpa;
	int rc = -1;

	if (!data) {
		snprintf(err, errlen, "--initrd %s", why);
		return -1;
	}
	if (!initrd_format(data, len))
		FAIL("%s: corrupt initrd: not a cpio, gzip, zstd, xz, lz4, bzip2, lzma or lzo archive",
		     path);
	gpa = initrd_place(len, vm->mem.low_size, bz->initrd_addr_max, kernel_end);
	if (!gpa)
		FAIL("%s: initrd of %zu MiB does not fit in guest RAM above the kernel "
		     "(%llu MiB below 0x%llx): raise --mem", path, len >> 20,
		     (unsigned long long)((vm->mem.low_size - kernel_end) >> 20),
		     (unsigned long long)vm->mem.low_size);
	memcpy(guest_ptr(&vm->mem, gpa, len), data, len);
	info->initrd_gpa = gpa;
	info->initrd_size = len;
	rc = 0;
out:
	free(data);
	return rc;
}

int boot_linux_load(struct vm *vm, char *err, size_t errlen)
{
	const char *path = vm->cfg->kernel;
	struct linux_boot_info info = {
		.cmdline_gpa = LINUX_CMDLINE_GPA, .rsdp_gpa = acpi_rsdp_gpa(vm),
		.low_size = vm->mem.low_size, .high_size = vm->mem.high_size,
	};
	struct boot_params *bp;
	struct bzimage bz;
	uint64_t load, need;
	char why[256];
	size_t len = 0;
	uint8_t *img = boot_read_file(path, LINUX_MAX_IMAGE, &len, why, sizeof(why));
	int rc = -1;

	if (!img) {
		snprintf(err, errlen, "--kernel %s", why);
		return -1;
	}
	if (bzimage_parse(img, len, &bz, why, sizeof(why)))
		FAIL("%s %s", path, why);
	need = bz.init_size > bz.kernel_len ? bz.init_size : bz.kernel_len;
	if (bzimage_place(&bz, vm->mem.low_size, &load))
		FAIL("%s: the kernel needs %llu MiB from %llu MiB on, larger than guest RAM "
		     "(--mem %llu MiB)", path, (unsigned long long)(need >> 20),
		     (unsigned long long)((bz.pref_address ? bz.pref_address :
					   LINUX_DEFAULT_LOAD) >> 20),
		     (unsigned long long)(vm->mem.size >> 20));
	memcpy(guest_ptr(&vm->mem, load, bz.kernel_len), bz.kernel, bz.kernel_len);
	if (linux_copy_cmdline(vm, &bz, err, errlen))
		goto out;
	if (vm->cfg->initrd && linux_load_initrd(vm, &bz, load + need, &info, err, errlen))
		goto out;
	bp = guest_ptr(&vm->mem, LINUX_BOOT_PARAMS_GPA, sizeof(*bp));
	if (!bp || linux_map_identity(vm))
		FAIL("guest RAM too small for the boot page tables");
	bootparams_build(bp, &bz, &info);

	vm->entry_mode = ENTRY_LONG64;
	vm->entry_rip = load + LINUX_ENTRY64_OFFSET;
	vm->entry_rsi = LINUX_BOOT_PARAMS_GPA;
	vm->entry_rsp = LINUX_STACK_TOP;
	rc = 0;
out:
	free(img);
	return rc;
}
