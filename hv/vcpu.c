/* vCPU threads and the KVM_RUN exit switch. Data flows one way: KVM exits,
 * the switch dispatches to a bus or ends the VM. */
#include "hv/vcpu.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hv/boot/entry.h"
#include "hv/cpuid.h"
#include "hv/log.h"
#include "hv/placement.h"
#include "hv/vm.h"

struct vcpu *vcpu_create(struct vm *vm, int id)
{
	struct vcpu *v = calloc(1, sizeof(*v));

	if (!v)
		die("out of memory");
	v->vm = vm;
	v->id = id;
	v->pinned_cpu = -1;
	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0)
		die_perror("KVM_CREATE_VCPU %d", id);
	v->run = mmap(NULL, vm->vcpu_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->fd, 0);
	if (v->run == MAP_FAILED)
		die_perror("mmap kvm_run (vcpu %d)", id);
	v->stats_fd = ioctl(v->fd, KVM_GET_STATS_FD, NULL);
	cpuid_setup_vcpu(v, vm->nr_vcpus);
	return v;
}

void vcpu_setup_entry(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	/* Application processors stay in the reset state; the in-kernel LAPIC
	 * holds them until the guest sends INIT/SIPI. */
	if (vcpu->id != 0)
		return;
	if (vm->vcpu_setup_hook) {
		vm->vcpu_setup_hook(vcpu);
		return;
	}
	switch (vm->entry_mode) {
	case ENTRY_LONG64:
		boot_enter_long_mode(vcpu);
		break;
	case ENTRY_PROTECTED32:
		boot_enter_protected_mode(vcpu);
		break;
	case ENTRY_REAL:
		break;
	}
}

void vcpu_dump_regs(struct vcpu *vcpu)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &r) < 0 || ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(stderr, "hv: vcpu %d: cannot read registers: %s\n", vcpu->id,
			strerror(errno));
		return;
	}
	fprintf(stderr,
		"hv: vcpu %d registers:\n"
		"  rip %016llx rsp %016llx rflags %016llx\n"
		"  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n"
		"  rsi %016llx rdi %016llx rbp %016llx\n"
		"  r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n"
		"  r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n"
		"  cr0 %016llx cr2 %016llx cr3 %016llx cr4 %016llx efer %016llx\n"
		"  cs %04x (dpl %d, l %d) ss %04x  gdt %llx/%x idt %llx/%x\n",
		vcpu->id, r.rip, r.rsp, r.rflags, r.rax, r.rbx, r.rcx, r.rdx, r.rsi,
		r.rdi, r.rbp, r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15,
		s.cr0, s.cr2, s.cr3, s.cr4, s.efer, s.cs.selector, s.cs.dpl, s.cs.l,
		s.ss.selector, s.gdt.base, s.gdt.limit, s.idt.base, s.idt.limit);
}

static void handle_io(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool out = run->io.direction == KVM_EXIT_IO_OUT;

	v->exits_io++;
	for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size)
		io_bus_access(&v->vm->pio, v, run->io.port, data, run->io.size, out);
}

static void handle_mmio(struct vcpu *v)
{
	struct kvm_run *run = v->run;

	v->exits_mmio++;
	if (run->mmio.len > sizeof(run->mmio.data))
		return;
	io_bus_access(&v->vm->mmio, v, run->mmio.phys_addr, run->mmio.data,
		      run->mmio.len, run->mmio.is_write);
}

static void fail(struct vcpu *v, const char *what)
{
	fprintf(stderr, "hv: vcpu %d: %s\n", v->id, what);
	vcpu_dump_regs(v);
	vm_request_exit(v->vm, VM_EXIT_ERROR, 1, "vcpu %d: %s", v->id, what);
}

static void handle_system_event(struct vcpu *v)
{
	switch (v->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		vm_request_exit(v->vm, VM_EXIT_POWEROFF, 0, "guest powered off");
		break;
	case KVM_SYSTEM_EVENT_RESET:
		vm_request_exit(v->vm, VM_EXIT_RESET, 0, "guest requested a reset");
		break;
	default:
		fail(v, "guest crash system event");
	}
}

/* One KVM exit. Returns false when the loop should stop. */
static bool vcpu_handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	char msg[160];

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		handle_io(v);
		return true;
	case KVM_EXIT_MMIO:
		handle_mmio(v);
		return true;
	case KVM_EXIT_HLT:
		/* only without an in-kernel LAPIC; nothing can wake us */
		v->exits_hlt++;
		vm_request_exit(v->vm, VM_EXIT_POWEROFF, 0, "vcpu %d halted", v->id);
		return false;
	case KVM_EXIT_INTR:
		return true;
	case KVM_EXIT_SHUTDOWN:
		fail(v, "triple fault (KVM_EXIT_SHUTDOWN)");
		return false;
	case KVM_EXIT_SYSTEM_EVENT:
		handle_system_event(v);
		return false;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(msg, sizeof(msg), "VM entry failed (hardware reason 0x%llx)",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		fail(v, msg);
		return false;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(msg, sizeof(msg), "KVM internal error (suberror %u%s)",
			 run->internal.suberror,
			 run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ?
			 ": instruction emulation failed" : "");
		fail(v, msg);
		return false;
	default:
		v->exits_other++;
		snprintf(msg, sizeof(msg), "unhandled KVM exit reason %u", run->exit_reason);
		fail(v, msg);
		return false;
	}
}

static void wait_while_paused(struct vm *vm)
{
	pthread_mutex_lock(&vm->pause_lock);
	while (atomic_load(&vm->paused) && !vm_exiting(vm))
		pthread_cond_wait(&vm->pause_cond, &vm->pause_lock);
	pthread_mutex_unlock(&vm->pause_lock);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;
	sigset_t set;
	char name[16];

	snprintf(name, sizeof(name), "vcpu%d", v->id);
	pthread_setname_np(pthread_self(), name);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	while (!vm_exiting(vm)) {
		if (atomic_load(&vm->paused)) {
			wait_while_paused(vm);
			continue;
		}
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				v->run->immediate_exit = 0;
				continue;
			}
			vm_request_exit(vm, VM_EXIT_ERROR, 1, "vcpu %d: KVM_RUN: %s", v->id,
					strerror(errno));
			break;
		}
		if (!vcpu_handle_exit(v))
			break;
	}
	return NULL;
}

int vcpu_start(struct vcpu *vcpu)
{
	int rc = pthread_create(&vcpu->thread, NULL, vcpu_thread, vcpu);

	if (rc) {
		errno = rc;
		return -1;
	}
	return placement_apply_vcpu(vcpu->vm, vcpu->id, vcpu->thread);
}

void vcpu_kick(struct vcpu *vcpu)
{
	vcpu->run->immediate_exit = 1;
	if (vcpu->thread)
		pthread_kill(vcpu->thread, SIGUSR1);
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (vcpu->stats_fd >= 0)
		close(vcpu->stats_fd);
	munmap(vcpu->run, vcpu->vm->vcpu_mmap_size);
	close(vcpu->fd);
	free(vcpu);
}
