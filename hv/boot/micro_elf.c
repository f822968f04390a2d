/* ELF64 loader for micro-guest workloads (System V gABI, "Program Header";
 * x86-64 psABI). Every field of the image is hostile until checked. */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "hv/boot/micro.h"

#define MICRO_HEAP_MIN  (1ULL << 20)   /* leave at least this much heap */

static int check_ehdr(const Elf64_Ehdr *eh, size_t len, char *err, size_t errlen)
{
	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG)) {
		snprintf(err, errlen, "not an ELF image");
		return -1;
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_X86_64) {
		snprintf(err, errlen, "not a 64-bit little-endian x86-64 ELF image");
		return -1;
	}
	if (eh->e_type != ET_EXEC) {
		snprintf(err, errlen, "ELF type %u: expected a static executable (ET_EXEC)",
			 eh->e_type);
		return -1;
	}
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || !eh->e_phnum ||
	    eh->e_phnum > MICRO_MAX_PHDRS || eh->e_phoff > len ||
	    (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff) {
		snprintf(err, errlen, "corrupt ELF program header table "
			 "(phoff %llu, phnum %u, phentsize %u)",
			 (unsigned long long)eh->e_phoff, eh->e_phnum, eh->e_phentsize);
		return -1;
	}
	return 0;
}

static int check_phdr(const struct guest_mem *mem, const Elf64_Phdr *ph, int i,
		      size_t len, char *err, size_t errlen)
{
	uint64_t limit = mem->low_size > MICRO_HEAP_MIN ? mem->low_size - MICRO_HEAP_MIN : 0;

	if (ph->p_filesz > ph->p_memsz || ph->p_offset > len ||
	    ph->p_filesz > len - ph->p_offset) {
		snprintf(err, errlen, "ELF segment %d lies outside the file", i);
		return -1;
	}
	if (ph->p_vaddr != ph->p_paddr) {
		snprintf(err, errlen, "ELF segment %d: vaddr 0x%llx != paddr 0x%llx "
			 "(micro-guests are identity-mapped)", i,
			 (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_paddr);
		return -1;
	}
	if (ph->p_vaddr < MICRO_IMAGE_BASE || ph->p_memsz > limit ||
	    ph->p_vaddr > limit - ph->p_memsz) {
		snprintf(err, errlen, "ELF segment %d (0x%llx, %llu bytes) is outside "
			 "[0x%llx, 0x%llx): the image must start at the image base and "
			 "leave 1 MiB of heap in low RAM", i,
			 (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_memsz,
			 MICRO_IMAGE_BASE, (unsigned long long)limit);
		return -1;
	}
	return 0;
}

int micro_elf_load(struct guest_mem *mem, const uint8_t *img, size_t len,
		   struct micro_image *out, char *err, size_t errlen)
{
	const Elf64_Ehdr *eh = (const void *)img;
	Elf64_Phdr ph[MICRO_MAX_PHDRS];
	int nload = 0, entry_ok = 0;

	if (check_ehdr(eh, len, err, errlen))
		return -1;
	*out = (struct micro_image){ .entry = eh->e_entry, .start = UINT64_MAX };
	/* validate everything before writing anything */
	for (int i = 0; i < eh->e_phnum; i++) {
		memcpy(&ph[i], img + eh->e_phoff + i * sizeof(Elf64_Phdr), sizeof(ph[i]));
		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		if (check_phdr(mem, &ph[i], i, len, err, errlen))
			return -1;
		for (int j = 0; j < i; j++) {
			if (ph[j].p_type != PT_LOAD || !ph[j].p_memsz)
				continue;
			if (ph[i].p_vaddr < ph[j].p_vaddr + ph[j].p_memsz &&
			    ph[j].p_vaddr < ph[i].p_vaddr + ph[i].p_memsz) {
				snprintf(err, errlen, "ELF segments %d and %d overlap", j, i);
				return -1;
			}
		}
		if ((ph[i].p_flags & PF_X) && eh->e_entry >= ph[i].p_vaddr &&
		    eh->e_entry - ph[i].p_vaddr < ph[i].p_memsz)
			entry_ok = 1;
		nload++;
	}
	if (!nload) {
		snprintf(err, errlen, "ELF image has no loadable segments");
		return -1;
	}
	if (!entry_ok) {
		snprintf(err, errlen, "ELF entry point 0x%llx is not in an executable segment",
			 (unsigned long long)eh->e_entry);
		return -1;
	}
	for (int i = 0; i < eh->e_phnum; i++) {
		uint8_t *dst;

		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		dst = guest_ptr(mem, ph[i].p_vaddr, ph[i].p_memsz);
		if (!dst) {
			snprintf(err, errlen, "ELF segment %d does not fit in guest RAM", i);
			return -1;
		}
		memcpy(dst, img + ph[i].p_offset, ph[i].p_filesz);
		memset(dst + ph[i].p_filesz, 0, ph[i].p_memsz - ph[i].p_filesz);
		if (ph[i].p_vaddr < out->start)
			out->start = ph[i].p_vaddr;
		if (ph[i].p_vaddr + ph[i].p_memsz > out->end)
			out->end = ph[i].p_vaddr + ph[i].p_memsz;
	}
	return 0;
}
