/* Multiboot v1 loader for bare-metal micro-guests (the interface that
 * kvm-unit-tests expects): the ELF32 program headers are loaded by us,
 * entry in 32-bit protected mode with paging off, EAX = 0x2BADB002 and
 * EBX = the multiboot information (Multiboot Specification 0.6.96, 3.3). */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/boot/boot.h"
#include "hv/layout.h"
#include "hv/vm.h"

#define MB_HEADER_MAGIC     0x1BADB002
#define MB_BOOTLOADER_MAGIC 0x2BADB002
#define MB_SEARCH_LEN       8192
#define MB_INFO_MEM         (1u << 0)
#define MB_INFO_CMDLINE     (1u << 2)
#define MB_INFO_MODS        (1u << 3)
#define MB_INFO_MMAP        (1u << 6)
#define MB_HEADER_AOUT_KLUDGE (1u << 16)
#define MB_INFO_GPA         0x9000ULL   /* info, module list, mmap */
#define MB_CMDLINE_GPA      0x9800ULL
#define MB_CMDLINE_MAX      0x800
#define MB_MAX_IMAGE        (256u << 20)

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_module {
	uint32_t mod_start, mod_end, string, reserved;
} __attribute__((packed));

struct mb_mmap_entry {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

static int find_header(const uint8_t *img, size_t len, char *err, size_t errlen)
{
	for (size_t off = 0; off + 12 <= len && off < MB_SEARCH_LEN; off += 4) {
		uint32_t h[3];

		memcpy(h, img + off, sizeof(h));
		if (h[0] == MB_HEADER_MAGIC && h[0] + h[1] + h[2] == 0) {
			if (h[1] & MB_HEADER_AOUT_KLUDGE) {
				snprintf(err, errlen, "multiboot header asks for the a.out kludge "
					 "(flag 16), which hv does not support: link an ELF");
				return -1;
			}
			return 0;
		}
	}
	snprintf(err, errlen, "no multiboot v1 header in the first 8 KiB");
	return -1;
}

/* Load PT_LOAD segments; returns the end of the highest one, or 0. */
static uint64_t load_elf32(struct vm *vm, const uint8_t *img, size_t len,
			   uint32_t *entry, char *err, size_t errlen)
{
	const Elf32_Ehdr *eh = (const void *)img;
	uint64_t top = 0;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_machine != EM_386) {
		snprintf(err, errlen, "not a 32-bit x86 ELF image");
		return 0;
	}
	if (eh->e_phentsize != sizeof(Elf32_Phdr) || eh->e_phoff > len ||
	    (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > len - eh->e_phoff) {
		snprintf(err, errlen, "corrupt ELF program header table");
		return 0;
	}
	for (int i = 0; i < eh->e_phnum; i++) {
		const Elf32_Phdr *ph = (const void *)(img + eh->e_phoff + i * sizeof(*ph));
		uint8_t *dst;

		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;
		if (ph->p_filesz > ph->p_memsz || ph->p_offset > len ||
		    ph->p_filesz > len - ph->p_offset) {
			snprintf(err, errlen, "ELF segment %d lies outside the file", i);
			return 0;
		}
		dst = guest_ptr(&vm->mem, ph->p_paddr, ph->p_memsz);
		if (!dst) {
			snprintf(err, errlen, "ELF segment %d (0x%x..0x%x) does not fit in guest RAM",
				 i, ph->p_paddr, ph->p_paddr + ph->p_memsz);
			return 0;
		}
		memcpy(dst, img + ph->p_offset, ph->p_filesz);
		memset(dst + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
		if ((uint64_t)ph->p_paddr + ph->p_memsz > top)
			top = (uint64_t)ph->p_paddr + ph->p_memsz;
	}
	if (!top)
		snprintf(err, errlen, "ELF image has no loadable segments");
	*entry = eh->e_entry;
	return top;
}

static int load_module(struct vm *vm, struct mb_info *info, uint64_t at,
		       char *err, size_t errlen)
{
	struct mb_module *mod = guest_ptr(&vm->mem, MB_INFO_GPA + 0x100, sizeof(*mod));
	size_t len;
	void *data = boot_read_file(vm->cfg->mb_module, MB_MAX_IMAGE, &len, err, errlen);
	void *dst;

	if (!data)
		return -1;
	at = (at + 0xfff) & ~0xfffULL;
	dst = guest_ptr(&vm->mem, at, len ? len : 1);
	if (!dst || at + len > 0xffffffffULL) {
		snprintf(err, errlen, "%s: module does not fit in guest RAM", vm->cfg->mb_module);
		free(data);
		return -1;
	}
	memcpy(dst, data, len);
	free(data);
	*mod = (struct mb_module){ (uint32_t)at, (uint32_t)(at + len), 0, 0 };
	info->flags |= MB_INFO_MODS;
	info->mods_count = 1;
	info->mods_addr = MB_INFO_GPA + 0x100;
	return 0;
}

static void write_mmap(struct vm *vm, struct mb_info *info)
{
	struct mb_mmap_entry e[3] = {
		{ 20, 0, EBDA_START, 1 },
		{ 20, BIOS_AREA_END, vm->mem.low_size - BIOS_AREA_END, 1 },
		{ 20, GUEST_HIGH_RAM_START, vm->mem.high_size, 1 },
	};
	int n = vm->mem.high_size ? 3 : 2;
	void *dst = guest_ptr(&vm->mem, MB_INFO_GPA + 0x200, sizeof(e));

	memcpy(dst, e, n * sizeof(e[0]));
	info->flags |= MB_INFO_MMAP;
	info->mmap_addr = MB_INFO_GPA + 0x200;
	info->mmap_length = n * sizeof(e[0]);
}

int boot_multiboot_load(struct vm *vm, char *err, size_t errlen)
{
	const struct hv_config *cfg = vm->cfg;
	struct mb_info *info;
	char *cmdline;
	size_t len;
	uint32_t entry = 0;
	uint64_t top;
	uint8_t *img;

	if (vm->mem.low_size < (2ULL << 20)) {
		snprintf(err, errlen, "multiboot guests need at least 2 MiB of RAM");
		return -1;
	}
	img = boot_read_file(cfg->multiboot, MB_MAX_IMAGE, &len, err, errlen);
	if (!img)
		return -1;
	if (find_header(img, len, err, errlen) ||
	    !(top = load_elf32(vm, img, len, &entry, err, errlen))) {
		char inner[400];

		snprintf(inner, sizeof(inner), "%s", err);
		snprintf(err, errlen, "%s: %s", cfg->multiboot, inner);
		free(img);
		return -1;
	}
	free(img);

	info = guest_ptr(&vm->mem, MB_INFO_GPA, sizeof(*info));
	memset(info, 0, sizeof(*info));
	info->flags = MB_INFO_MEM | MB_INFO_CMDLINE;
	info->mem_lower = EBDA_START >> 10;
	info->mem_upper = (uint32_t)((vm->mem.low_size - BIOS_AREA_END) >> 10);
	cmdline = guest_ptr(&vm->mem, MB_CMDLINE_GPA, MB_CMDLINE_MAX);
	snprintf(cmdline, MB_CMDLINE_MAX, "%s%s%s", cfg->cmdline ? cfg->cmdline : "",
		 cfg->cmdline && cfg->micro_args ? " " : "",
		 cfg->micro_args ? cfg->micro_args : "");
	info->cmdline = MB_CMDLINE_GPA;
	write_mmap(vm, info);
	if (cfg->mb_module && load_module(vm, info, top, err, errlen))
		return -1;

	vm->entry_mode = ENTRY_PROTECTED32;
	vm->entry_rip = entry;
	vm->entry_rax = MB_BOOTLOADER_MAGIC;
	vm->entry_rbx = MB_INFO_GPA;
	vm->entry_rsp = 0x7000;
	return 0;
}
