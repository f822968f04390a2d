/* The micro-guest ABI: the guest-physical layout hv builds for a micro-guest
 * and the hypercall interface its ring-3 workload uses. Shared by hv
 * (hv/boot/micro*.c, hv/devices/microguest_hc.c) and the guest runtime
 * (workloads/microguest/), so it holds only constants and plain structs.
 * Described for users in docs/microguest.md.
 *
 * Guest-physical (and, identity-mapped, virtual) layout:
 *   0x0000_0000  not mapped: a null dereference faults
 *   0x0000_1000  GDT            (supervisor)
 *   0x0000_2000  IDT            (supervisor)
 *   0x0000_3000  TSS            (supervisor)
 *   0x0000_4000  fault stubs    (supervisor, ring-0 code)
 *   0x0000_5000  ring-0 stack   (supervisor, 16 KiB, top 0x9000)
 *   0x0001_0000  shared page: struct micro_info + struct micro_hc (user)
 *   0x0001_1000  argument string, NUL-terminated (user, 32 KiB)
 *   0x0020_0000  page tables    (supervisor, 12 MiB)
 *   0x00e0_0000  ring-3 stack   (user, 2 MiB, top 0x0100_0000)
 *   0x0100_0000  the workload ELF image, then the heap up to the end of RAM
 *   0xd000_0000  MMIO window, 16 MiB, user, uncached (null region at
 *                0xd000_1000, hypercall page 0xd000_f000, virtio-mmio from
 *                0xd010_0000)
 */
#ifndef HV_BOOT_MICRO_ABI_H
#define HV_BOOT_MICRO_ABI_H

#include <stdint.h>

#define MICRO_GDT_GPA        0x1000ULL
#define MICRO_IDT_GPA        0x2000ULL
#define MICRO_TSS_GPA        0x3000ULL
#define MICRO_STUBS_GPA      0x4000ULL
#define MICRO_KSTACK_GPA     0x5000ULL
#define MICRO_KSTACK_TOP     0x9000ULL
#define MICRO_SHARED_GPA     0x10000ULL
#define MICRO_ARGS_GPA       0x11000ULL
#define MICRO_ARGS_MAX       0x8000ULL
#define MICRO_PT_GPA         0x200000ULL
#define MICRO_PT_SIZE        0xc00000ULL
#define MICRO_USTACK_GPA     0xe00000ULL
#define MICRO_USTACK_TOP     0x1000000ULL
#define MICRO_IMAGE_BASE     0x1000000ULL
#define MICRO_MMIO_GPA       0xd0000000ULL
#define MICRO_MMIO_SIZE      0x1000000ULL
#define MICRO_MIN_RAM        (32ULL << 20)

/* GDT selectors (index << 3 | RPL) */
#define MICRO_SEL_KCODE      0x08
#define MICRO_SEL_KDATA      0x10
#define MICRO_SEL_UDATA      0x1b   /* 0x18 | 3 */
#define MICRO_SEL_UCODE      0x23   /* 0x20 | 3 */
#define MICRO_SEL_TSS        0x28
#define MICRO_GDT_ENTRIES    7      /* the TSS descriptor takes two */

/* Hypercalls: the guest writes the operation (32 bits) to the hypercall
 * page in the MMIO window; the access exits to hv without entering guest
 * ring 0. (Ring 3 also runs with IOPL 3 and a TSS I/O bitmap allowing
 * MICRO_PORT_HC, but software KVMs such as kvm_pvm raise #GP for ring-3
 * port I/O regardless, so the runtime uses the MMIO form.) */
#define MICRO_HC_MMIO_GPA    0xd000f000ULL
#define MICRO_PORT_HC        0x5f0  /* outl(op): same as the MMIO form */
#define MICRO_PORT_FAULT     0x5f1  /* outb(vector): written by the fault stubs */
#define MICRO_IOPB_PORTS     0x600  /* TSS I/O bitmap covers ports below this */

#define MICRO_INFO_MAGIC     0x4f5243494d564868ULL  /* "hHVMICRO" */
#define MICRO_ABI_VERSION    1

/* Hypercall operations (the value written to MICRO_PORT_HC). */
enum micro_hc_op {
	MICRO_HC_WRITE = 1,   /* console: arg0 = buffer, arg1 = length */
	MICRO_HC_EXIT = 2,    /* end the guest: arg0 = status (0..255) */
	MICRO_HC_RESULT = 3,  /* one result JSON line: arg0 = buffer, arg1 = length */
	MICRO_HC_EXPECT_FAULT = 4, /* arg0 = RIP of a probe instruction, arg1 =
			     * its length, arg2 = vector (#UD 6 or #GP 13): that
			     * fault there is counted and skipped instead of
			     * ending the guest (arg0 = 0 disarms) */
};

/* Status hv returns in micro_hc.ret */
#define MICRO_HC_OK          0
#define MICRO_HC_EINVAL      (-22LL)  /* bad op or malformed request */
#define MICRO_HC_EFAULT      (-14LL)  /* buffer outside guest RAM */
#define MICRO_HC_E2BIG       (-7LL)   /* length over MICRO_HC_MAX_LEN */

#define MICRO_HC_MAX_LEN     65536

/* Written by hv before the guest starts; read-only by convention. */
struct micro_info {
	uint64_t magic;          /* MICRO_INFO_MAGIC */
	uint32_t version;        /* MICRO_ABI_VERSION */
	uint32_t reserved;
	uint64_t tsc_khz;        /* KVM_GET_TSC_KHZ of the vCPU, 0 = unknown */
	uint64_t page_size;      /* guest page size for RAM above 1 GiB */
	uint64_t mem_size;       /* guest RAM bytes */
	uint64_t args_gpa;       /* MICRO_ARGS_GPA */
	uint64_t args_len;       /* bytes, without the NUL */
	uint64_t heap_start[2];  /* free RAM ranges: [start, end) */
	uint64_t heap_end[2];
	uint64_t mmio_gpa;       /* MICRO_MMIO_GPA: user-accessible, uncached */
	uint64_t mmio_size;
	uint64_t fault_count;    /* faults skipped at the MICRO_HC_EXPECT_FAULT probe */
};

/* The hypercall request block, right after micro_info in the shared page.
 * The guest fills op/args, writes op to MICRO_PORT_HC, then reads ret. */
struct micro_hc {
	uint64_t arg0, arg1, arg2;
	int64_t ret;
};

#define MICRO_HC_OFFSET      0x800   /* struct micro_hc inside the shared page */

#endif
