/* The micro-guest's system tables, written by hv (SDM vol. 3, ch. 3 and 6):
 * a GDT with ring-0 and ring-3 64-bit segments and a TSS, an IDT whose 32
 * exception gates point at tiny ring-0 stubs, and the stubs themselves.
 * Ring 0 is only entered on an exception; each stub is three instructions
 * (software KVMs emulate ring 0 slowly) that report the vector to hv. */
#include <string.h>

#include "hv/boot/micro.h"

#define GDT_KCODE64   0x00af9b000000ffffULL  /* P, DPL0, code r/x, L, G */
#define GDT_KDATA     0x00cf93000000ffffULL  /* P, DPL0, data r/w, B, G */
#define GDT_UDATA     0x00cff3000000ffffULL  /* P, DPL3, data r/w, B, G */
#define GDT_UCODE64   0x00affb000000ffffULL  /* P, DPL3, code r/x, L, G */
#define TSS_TYPE_AVAIL64  0x9                /* system descriptor type */
#define DESC_P        (1ULL << 47)
/* 64-bit TSS (104 bytes) followed by an I/O permission bitmap covering
 * ports 0..MICRO_IOPB_PORTS-1 (SDM vol. 1, 19.5.2); ports beyond the TSS
 * limit are denied. */
#define TSS_SIZE      104
#define TSS_LIMIT     (TSS_SIZE + MICRO_IOPB_PORTS / 8)
#define IDT_VECTORS   32
#define IDT_GATE_INT64    0x8e               /* P, DPL0, 64-bit interrupt gate */
#define STUB_SIZE     16

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, reserved;
} __attribute__((packed));

int micro_vector_has_errcode(unsigned v)
{
	return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30;
}

const char *micro_vector_name(unsigned v)
{
	static const char *names[IDT_VECTORS] = {
		"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
		"#BR bound range", "#UD invalid opcode", "#NM device not available",
		"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
		"#NP segment not present", "#SS stack fault", "#GP general protection",
		"#PF page fault", "reserved", "#MF x87 error", "#AC alignment check",
		"#MC machine check", "#XM SIMD exception", "#VE virtualization",
		"#CP control protection",
	};

	return v < IDT_VECTORS && names[v] ? names[v] : "reserved";
}

static void write_gdt(uint64_t *gdt)
{
	uint64_t base = MICRO_TSS_GPA;

	gdt[0] = 0;
	gdt[1] = GDT_KCODE64;
	gdt[2] = GDT_KDATA;
	gdt[3] = GDT_UDATA;
	gdt[4] = GDT_UCODE64;
	/* 16-byte TSS descriptor (SDM vol. 3, 8.2.3) */
	gdt[5] = TSS_LIMIT | (base & 0xffffff) << 16 | (uint64_t)TSS_TYPE_AVAIL64 << 40 |
		 DESC_P | ((base >> 24) & 0xff) << 56;
	gdt[6] = base >> 32;
}

/* Ring 3 may use the hypercall port, the null port and the debug-exit
 * port. Software KVMs may drop RFLAGS.IOPL; the bitmap works either way. */
static void micro_iopb_write(uint8_t *map)
{
	static const uint16_t allowed[] = { MICRO_PORT_HC, 0xf6, 0xf4 };

	memset(map, 0xff, MICRO_IOPB_PORTS / 8 + 1);
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		map[allowed[i] / 8] &= (uint8_t)~(1u << (allowed[i] % 8));
}

/* mov $MICRO_PORT_FAULT, %dx; mov $vector, %al; out %al, %dx; 1: hlt; jmp 1b */
static void write_stub(uint8_t *p, unsigned vector)
{
	const uint8_t code[] = {
		0x66, 0xba, MICRO_PORT_FAULT & 0xff, MICRO_PORT_FAULT >> 8,
		0xb0, (uint8_t)vector, 0xee, 0xf4, 0xeb, 0xfd,
	};

	memset(p, 0xf4, STUB_SIZE);  /* hlt padding */
	memcpy(p, code, sizeof(code));
}

int micro_sys_write(struct guest_mem *mem)
{
	uint64_t *gdt = guest_ptr(mem, MICRO_GDT_GPA, 4096);
	struct idt_gate *idt = guest_ptr(mem, MICRO_IDT_GPA, 4096);
	struct tss64 *tss = guest_ptr(mem, MICRO_TSS_GPA, 4096);
	uint8_t *stubs = guest_ptr(mem, MICRO_STUBS_GPA, 4096);

	if (!gdt || !idt || !tss || !stubs)
		return -1;
	memset(gdt, 0, 4096);
	memset(idt, 0, 4096);
	memset(tss, 0, 4096);
	write_gdt(gdt);
	tss->rsp[0] = MICRO_KSTACK_TOP;
	tss->iomap_base = TSS_SIZE;
	micro_iopb_write((uint8_t *)tss + TSS_SIZE);
	for (unsigned v = 0; v < IDT_VECTORS; v++) {
		uint64_t off = MICRO_STUBS_GPA + v * STUB_SIZE;

		write_stub(stubs + v * STUB_SIZE, v);
		idt[v] = (struct idt_gate){
			.off_lo = off & 0xffff, .sel = MICRO_SEL_KCODE, .ist = 0,
			.type = IDT_GATE_INT64, .off_mid = (off >> 16) & 0xffff,
			.off_hi = off >> 32,
		};
	}
	return 0;
}
