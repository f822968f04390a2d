/* The micro-guest loader (`hv run --guest micro:NAME [-- ARGS]`): loads the
 * workload's ELF64 image, builds the page tables and system tables, writes
 * struct micro_info, and starts the boot vCPU directly in ring 3 with
 * IOPL 3 (layout and ABI in hv/boot/micro_abi.h, docs/microguest.md). */
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hv/boot/boot.h"
#include "hv/boot/entry.h"
#include "hv/boot/micro.h"
#include "hv/layout.h"
#include "hv/log.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

#define X86_RFLAGS_IOPL3   (3ULL << 12)
#define CPUID_EXT_FEATURES 0x80000001u
#define CPUID_EDX_PAGE1GB  (1u << 26)   /* SDM vol. 2A, CPUID 80000001H */

static struct kvm_segment micro_seg(uint16_t sel, int code, int dpl)
{
	return (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel,
		.type = code ? 11 : 3,   /* code exec/read/accessed, data r/w/accessed */
		.present = 1, .dpl = dpl, .db = !code, .s = 1, .l = code, .g = 1,
	};
}

/* Set the ring-3 user segments in sregs (also used to return from a
 * skipped #UD, see hv/devices/microguest_hc.c). */
void micro_set_user_segments(struct kvm_sregs *s)
{
	s->cs = micro_seg(MICRO_SEL_UCODE, 1, 3);
	s->ss = s->ds = s->es = s->fs = s->gs = micro_seg(MICRO_SEL_UDATA, 0, 3);
}

static void micro_vcpu_setup(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct kvm_sregs s;
	struct kvm_regs r = { 0 };

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0)
		die_perror("KVM_GET_SREGS");
	micro_set_user_segments(&s);
	s.tr = (struct kvm_segment){
		.base = MICRO_TSS_GPA, .limit = 104 + MICRO_IOPB_PORTS / 8, .selector = MICRO_SEL_TSS,
		.type = 11 /* busy 64-bit TSS */, .present = 1, .s = 0,
	};
	s.ldt = (struct kvm_segment){ .type = 2, .present = 1, .unusable = 1 };
	s.gdt.base = MICRO_GDT_GPA;
	s.gdt.limit = MICRO_GDT_ENTRIES * 8 - 1;
	s.idt.base = MICRO_IDT_GPA;
	s.idt.limit = 32 * 16 - 1;
	s.cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP |
		X86_CR0_PG;
	s.cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	s.efer = X86_EFER_LME | X86_EFER_LMA | X86_EFER_SCE | X86_EFER_NXE;
	s.cr3 = vm->entry_cr3;
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &s) < 0)
		die_perror("KVM_SET_SREGS (micro-guest ring-3 entry)");

	r.rflags = X86_RFLAGS_RESERVED | X86_RFLAGS_IOPL3;  /* IF = 0 */
	r.rip = vm->entry_rip;
	r.rsp = vm->entry_rsp;
	r.rdi = MICRO_SHARED_GPA;
	if (ioctl(vcpu->fd, KVM_SET_REGS, &r) < 0)
		die_perror("KVM_SET_REGS (micro-guest ring-3 entry)");
}

static uint64_t micro_tsc_khz(struct vm *vm)
{
	int khz = vm->nr_vcpus ? ioctl(vm->vcpus[0]->fd, KVM_GET_TSC_KHZ, 0) : -1;

	return khz > 0 ? (uint64_t)khz : 0;
}

/* The argument string: the workload's name (argv[0]) and the arguments
 * given after `--`. */
static void micro_write_args(struct vm *vm, struct micro_info *info)
{
	char *dst = guest_ptr(&vm->mem, MICRO_ARGS_GPA, MICRO_ARGS_MAX);
	const char *path = vm->cfg->micro, *base = strrchr(path, '/');
	const char *args = vm->cfg->micro_args;
	size_t nlen;
	int n;

	base = base ? base + 1 : path;
	nlen = strlen(base);
	if (nlen > 4 && !strcmp(base + nlen - 4, ".elf"))
		nlen -= 4;
	n = snprintf(dst, MICRO_ARGS_MAX, "%.*s%s%s", (int)nlen, base,
		     args ? " " : "", args ? args : "");
	if (n >= (int)MICRO_ARGS_MAX) {
		warnx_hv("micro-guest arguments truncated to %llu bytes", MICRO_ARGS_MAX - 1);
		n = MICRO_ARGS_MAX - 1;
	}
	info->args_gpa = MICRO_ARGS_GPA;
	info->args_len = (uint64_t)n;
}

static void micro_write_info(struct vm *vm, const struct micro_image *im)
{
	struct micro_info *info = guest_ptr(&vm->mem, MICRO_SHARED_GPA, 4096);
	uint64_t heap = (im->end + 4095) & ~4095ULL;

	memset(info, 0, 4096);
	info->magic = MICRO_INFO_MAGIC;
	info->version = MICRO_ABI_VERSION;
	info->tsc_khz = vm->tsc_khz;
	info->page_size = vm->cfg->guest_page_size;
	info->mem_size = vm->mem.size;
	info->heap_start[0] = heap;
	info->heap_end[0] = vm->mem.low_size;
	if (vm->mem.high_size) {
		info->heap_start[1] = GUEST_HIGH_RAM_START;
		info->heap_end[1] = GUEST_HIGH_RAM_START + vm->mem.high_size;
	}
	info->mmio_gpa = MICRO_MMIO_GPA;
	info->mmio_size = MICRO_MMIO_SIZE;
	micro_write_args(vm, info);
}

/* 1 GiB pages are only valid when the vCPU's CPUID offers them; otherwise a
 * PS bit in a PDPTE is reserved and every access faults (#PF, RSVD). */
static int micro_has_1g_pages(const struct vm *vm)
{
	const struct kvm_cpuid2 *c = vm->supported_cpuid;

	for (unsigned i = 0; c && i < c->nent; i++)
		if (c->entries[i].function == CPUID_EXT_FEATURES)
			return !!(c->entries[i].edx & CPUID_EDX_PAGE1GB);
	return 0;
}

int boot_micro_load(struct vm *vm, char *err, size_t errlen)
{
	const char *path = vm->cfg->micro;
	struct micro_image im;
	char inner[400];
	size_t len;
	uint8_t *img;

	if (vm->cfg->guest_page_size == (1u << 30) && !micro_has_1g_pages(vm)) {
		snprintf(err, errlen, "--guest-page-size 1g: this host's KVM (%s) does not "
			 "offer 1 GiB pages to guests (CPUID 80000001H:EDX bit 26 is clear "
			 "in KVM_GET_SUPPORTED_CPUID)", kvm_flavour_name(vm->flavour));
		return -1;
	}
	img = boot_read_file(path, MICRO_MAX_IMAGE, &len, err, errlen);
	if (!img)
		return -1;
	if (micro_pt_build(&vm->mem, vm->cfg->guest_page_size, &vm->entry_cr3,
			   inner, sizeof(inner)) ||
	    micro_elf_load(&vm->mem, img, len, &im, inner, sizeof(inner))) {
		snprintf(err, errlen, "%s: %s", path, inner);
		free(img);
		return -1;
	}
	free(img);
	if (micro_sys_write(&vm->mem)) {
		snprintf(err, errlen, "%s: cannot write the system tables", path);
		return -1;
	}
	vm->tsc_khz = micro_tsc_khz(vm);
	micro_write_info(vm, &im);
	vm->entry_mode = ENTRY_LONG64;
	vm->entry_rip = im.entry;
	vm->entry_rsp = MICRO_USTACK_TOP;
	vm->vcpu_setup_hook = micro_vcpu_setup;
	return 0;
}
