#include "hv/boot/entry.h"

#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hv/log.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

#define GDT_CODE64 0x00af9b000000ffffULL  /* P, DPL0, code r/x, L, G */
#define GDT_CODE32 0x00cf9b000000ffffULL  /* P, DPL0, code r/x, D, G */
#define GDT_DATA   0x00cf93000000ffffULL  /* P, DPL0, data r/w, B, G */

void boot_write_gdt(struct vcpu *vcpu, int long_mode)
{
	uint64_t gdt[4] = { 0, 0, long_mode ? GDT_CODE64 : GDT_CODE32, GDT_DATA };
	void *p = guest_ptr(&vcpu->vm->mem, BOOT_GDT_GPA, sizeof(gdt));

	if (!p)
		die("guest memory too small for the boot GDT");
	memcpy(p, gdt, sizeof(gdt));
}

static void flat_segments(struct kvm_sregs *s, int long_mode)
{
	struct kvm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = BOOT_CS, .type = 11,
		.present = 1, .dpl = 0, .db = !long_mode, .s = 1, .l = long_mode, .g = 1,
	};
	struct kvm_segment data = code;

	data.selector = BOOT_DS;
	data.type = 3;
	data.l = 0;
	data.db = 1;
	s->cs = code;
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	s->gdt.base = BOOT_GDT_GPA;
	s->gdt.limit = 4 * 8 - 1;
}

static void set_state(struct vcpu *vcpu, int long_mode)
{
	struct vm *vm = vcpu->vm;
	struct kvm_sregs s;
	struct kvm_regs r;

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0)
		die_perror("KVM_GET_SREGS");
	boot_write_gdt(vcpu, long_mode);
	flat_segments(&s, long_mode);
	if (long_mode) {
		s.cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
			X86_CR0_WP | X86_CR0_AM | X86_CR0_PG;
		s.cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
		s.efer = X86_EFER_LME | X86_EFER_LMA | X86_EFER_SCE | X86_EFER_NXE;
		s.cr3 = vm->entry_cr3;
	} else {
		s.cr0 = X86_CR0_PE | X86_CR0_ET;
		s.cr4 = 0;
		s.efer = 0;
	}
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &s) < 0)
		die_perror("KVM_SET_SREGS");

	memset(&r, 0, sizeof(r));
	r.rflags = X86_RFLAGS_RESERVED;
	r.rip = vm->entry_rip;
	r.rsp = vm->entry_rsp;
	r.rsi = vm->entry_rsi;
	r.rbx = vm->entry_rbx;
	r.rax = vm->entry_rax;
	if (ioctl(vcpu->fd, KVM_SET_REGS, &r) < 0)
		die_perror("KVM_SET_REGS");
}

void boot_enter_long_mode(struct vcpu *vcpu)
{
	set_state(vcpu, 1);
}

void boot_enter_protected_mode(struct vcpu *vcpu)
{
	set_state(vcpu, 0);
}
