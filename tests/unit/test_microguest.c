/* The micro-guest loader and hypercall decoding (hv/boot/micro*.c,
 * hv/devices/microguest_hc.c): synthetic ELF64 images including hostile
 * ones, the page tables it builds per guest page size, the system tables,
 * hypercall buffers with out-of-range pointers/lengths, result lines. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "hv/boot/micro.h"
#include "hv/boot/pagetable.h"
#include "hv/devices/microguest.h"

#define RAM (64ULL << 20)

static struct guest_mem mem;
static char err[512];

static int mem_setup(uint64_t size)
{
	mem.host = mmap(NULL, size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	mem.size = mem.low_size = size;
	mem.high_size = 0;
	return mem.host == MAP_FAILED ? -1 : 0;
}

static int setup(void **state)
{
	(void)state;
	return mem_setup(RAM);
}

static int teardown(void **state)
{
	(void)state;
	munmap(mem.host, mem.size);
	return 0;
}

/* --- ELF images --- */
struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	uint8_t code[64];
};

static void image_init(struct image *im)
{
	memset(im, 0, sizeof(*im));
	memcpy(im->eh.e_ident, ELFMAG, SELFMAG);
	im->eh.e_ident[EI_CLASS] = ELFCLASS64;
	im->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	im->eh.e_type = ET_EXEC;
	im->eh.e_machine = EM_X86_64;
	im->eh.e_entry = MICRO_IMAGE_BASE + 4;
	im->eh.e_phoff = offsetof(struct image, ph);
	im->eh.e_phentsize = sizeof(Elf64_Phdr);
	im->eh.e_phnum = 1;
	im->ph[0] = (Elf64_Phdr){
		.p_type = PT_LOAD, .p_flags = PF_R | PF_X,
		.p_offset = offsetof(struct image, code), .p_vaddr = MICRO_IMAGE_BASE,
		.p_paddr = MICRO_IMAGE_BASE, .p_filesz = sizeof(im->code),
		.p_memsz = 8192,
	};
	memset(im->code, 0x90, sizeof(im->code));
}

static int load(struct image *im)
{
	struct micro_image out;

	return micro_elf_load(&mem, (const uint8_t *)im, sizeof(*im), &out, err,
			      sizeof(err));
}

static void test_elf_valid(void **state)
{
	struct image im;
	struct micro_image out;
	uint8_t *dst = mem.host + MICRO_IMAGE_BASE;

	(void)state;
	image_init(&im);
	memset(dst, 0xee, 8192);   /* .bss must come back zeroed */
	assert_int_equal(micro_elf_load(&mem, (const uint8_t *)&im, sizeof(im), &out,
					err, sizeof(err)), 0);
	assert_int_equal(out.entry, MICRO_IMAGE_BASE + 4);
	assert_int_equal(out.start, MICRO_IMAGE_BASE);
	assert_int_equal(out.end, MICRO_IMAGE_BASE + 8192);
	assert_int_equal(dst[0], 0x90);
	assert_int_equal(dst[sizeof(im.code)], 0);
	assert_int_equal(dst[8191], 0);
}

static void test_elf_hostile_headers(void **state)
{
	struct image im;
	struct micro_image out;

	(void)state;
	image_init(&im);
	im.eh.e_ident[EI_MAG0] = 0;
	assert_int_equal(load(&im), -1);
	image_init(&im);
	im.eh.e_ident[EI_CLASS] = ELFCLASS32;
	assert_int_equal(load(&im), -1);
	image_init(&im);
	im.eh.e_type = ET_DYN;
	assert_int_equal(load(&im), -1);
	image_init(&im);
	im.eh.e_phnum = 0xffff;                  /* huge count */
	assert_int_equal(load(&im), -1);
	assert_non_null(strstr(err, "program header"));
	image_init(&im);
	im.eh.e_phnum = 4;                       /* table runs past the file */
	assert_int_equal(load(&im), -1);
	image_init(&im);
	im.eh.e_phoff = ~0ULL - 8;               /* offset overflow */
	assert_int_equal(load(&im), -1);
	image_init(&im);
	im.eh.e_phentsize = 32;
	assert_int_equal(load(&im), -1);
	image_init(&im);                          /* truncated file */
	assert_int_equal(micro_elf_load(&mem, (const uint8_t *)&im, 20, &out, err,
					sizeof(err)), -1);
}

static void test_elf_hostile_segments(void **state)
{
	struct image im;

	(void)state;
	image_init(&im);
	im.ph[0].p_filesz = 16384;               /* filesz > memsz and past EOF */
	assert_int_equal(load(&im), -1);
	image_init(&im);
	im.ph[0].p_offset = ~0ULL - 4;           /* offset + filesz overflows */
	assert_int_equal(load(&im), -1);
	image_init(&im);                          /* over the page-table area */
	im.ph[0].p_vaddr = im.ph[0].p_paddr = MICRO_PT_GPA;
	im.eh.e_entry = MICRO_PT_GPA;
	assert_int_equal(load(&im), -1);
	assert_non_null(strstr(err, "outside"));
	image_init(&im);                          /* over the system area */
	im.ph[0].p_vaddr = im.ph[0].p_paddr = 0x1000;
	assert_int_equal(load(&im), -1);
	image_init(&im);                          /* beyond RAM */
	im.ph[0].p_vaddr = im.ph[0].p_paddr = RAM - 4096;
	im.eh.e_entry = RAM - 4096;
	assert_int_equal(load(&im), -1);
	image_init(&im);                          /* vaddr + memsz wraps */
	im.ph[0].p_vaddr = im.ph[0].p_paddr = ~0xfffULL;
	assert_int_equal(load(&im), -1);
	image_init(&im);
	im.ph[0].p_memsz = ~0ULL;                /* huge memsz */
	assert_int_equal(load(&im), -1);
	image_init(&im);
	im.ph[0].p_paddr = MICRO_IMAGE_BASE + 4096;   /* not identity */
	assert_int_equal(load(&im), -1);
	image_init(&im);
	im.eh.e_entry = MICRO_IMAGE_BASE + 1 * 16384; /* entry outside */
	assert_int_equal(load(&im), -1);
	image_init(&im);
	im.ph[0].p_flags = PF_R | PF_W;          /* entry not executable */
	assert_int_equal(load(&im), -1);
	image_init(&im);                          /* overlapping segments */
	im.eh.e_phnum = 2;
	im.ph[1] = im.ph[0];
	im.ph[1].p_vaddr = im.ph[1].p_paddr = MICRO_IMAGE_BASE + 4096;
	assert_int_equal(load(&im), -1);
	assert_non_null(strstr(err, "overlap"));
	image_init(&im);                          /* nothing to load */
	im.ph[0].p_type = PT_NOTE;
	assert_int_equal(load(&im), -1);
}

/* --- page tables --- */
static void walk(uint64_t cr3, uint64_t va, int present, uint64_t want_flags,
		 uint64_t want_size)
{
	uint64_t pa, ps, fl;
	int rc = pt_walk(&mem, cr3, va, &pa, &ps, &fl);

	if (!present) {
		assert_int_equal(rc, -1);
		return;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(pa, va);
	assert_int_equal(fl & (PTE_U | PTE_W), want_flags);
	if (want_size)
		assert_int_equal(ps, want_size);
}

static void check_layout(uint64_t cr3, uint64_t big)
{
	walk(cr3, 0, 0, 0, 0);                                  /* null page */
	walk(cr3, MICRO_GDT_GPA, 1, PTE_W, 4096);
	walk(cr3, MICRO_IDT_GPA, 1, PTE_W, 4096);
	walk(cr3, MICRO_STUBS_GPA, 1, 0, 4096);
	walk(cr3, MICRO_KSTACK_TOP - 8, 1, PTE_W, 4096);
	walk(cr3, MICRO_SHARED_GPA, 1, PTE_U | PTE_W, 4096);
	walk(cr3, MICRO_ARGS_GPA + MICRO_ARGS_MAX - 1, 1, PTE_U | PTE_W, 4096);
	walk(cr3, MICRO_PT_GPA, 1, PTE_W, 0);                    /* supervisor */
	walk(cr3, MICRO_USTACK_TOP - 8, 1, PTE_U | PTE_W, 0);
	walk(cr3, MICRO_IMAGE_BASE, 1, PTE_U | PTE_W, 0);
	walk(cr3, mem.low_size - 1, 1, PTE_U | PTE_W, 0);
	walk(cr3, mem.low_size, 0, 0, 0);                        /* past RAM */
	walk(cr3, MICRO_MMIO_GPA + 0x1000, 1, PTE_U | PTE_W, big > 4096 ? 2 << 20 : 4096);
	walk(cr3, MICRO_HC_MMIO_GPA, 1, PTE_U | PTE_W, 0);
	walk(cr3, MICRO_MMIO_GPA + MICRO_MMIO_SIZE, 0, 0, 0);
}

static void test_pt_sizes(void **state)
{
	uint64_t cr3;

	(void)state;
	assert_int_equal(micro_pt_build(&mem, 4096, &cr3, err, sizeof(err)), 0);
	check_layout(cr3, 4096);
	walk(cr3, 32ULL << 20, 1, PTE_U | PTE_W, 4096);
	assert_int_equal(micro_pt_build(&mem, 2 << 20, &cr3, err, sizeof(err)), 0);
	check_layout(cr3, 2 << 20);
	walk(cr3, 32ULL << 20, 1, PTE_U | PTE_W, 2 << 20);
	assert_int_equal(micro_pt_build(&mem, 3 << 20, &cr3, err, sizeof(err)), -1);
}

static void test_pt_1g(void **state)
{
	uint64_t cr3;

	(void)state;
	munmap(mem.host, mem.size);
	assert_int_equal(mem_setup(3ULL << 30), 0);   /* lazily backed */
	assert_int_equal(micro_pt_build(&mem, 1 << 30, &cr3, err, sizeof(err)), 0);
	check_layout(cr3, 1 << 30);
	walk(cr3, 512ULL << 20, 1, PTE_U | PTE_W, 2 << 20);     /* first GiB: 2M */
	walk(cr3, (1ULL << 30) + 12345, 1, PTE_U | PTE_W, 1 << 30);
	walk(cr3, (2ULL << 30) + 12345, 1, PTE_U | PTE_W, 1 << 30);
}

static void test_pt_refusals(void **state)
{
	struct guest_mem small = mem, huge = mem;
	uint64_t cr3;

	(void)state;
	small.size = small.low_size = 16ULL << 20;
	assert_int_equal(micro_pt_build(&small, 4096, &cr3, err, sizeof(err)), -1);
	huge.size = 64ULL << 30;                      /* 4k tables would not fit */
	assert_int_equal(micro_pt_build(&huge, 4096, &cr3, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "page tables"));
}

static void test_sys_tables(void **state)
{
	const uint64_t *gdt = (const uint64_t *)(mem.host + MICRO_GDT_GPA);
	const uint8_t *idt = mem.host + MICRO_IDT_GPA + 14 * 16;
	uint64_t off;

	(void)state;
	assert_int_equal(micro_sys_write(&mem), 0);
	assert_int_equal((gdt[MICRO_SEL_UCODE >> 3] >> 45) & 3, 3);   /* DPL 3 */
	assert_int_equal((gdt[MICRO_SEL_UCODE >> 3] >> 53) & 1, 1);   /* L */
	assert_int_equal((gdt[MICRO_SEL_KCODE >> 3] >> 45) & 3, 0);
	assert_int_equal((gdt[MICRO_SEL_TSS >> 3] >> 16) & 0xffffff, MICRO_TSS_GPA);
	off = idt[0] | idt[1] << 8 | (uint64_t)(idt[6] | idt[7] << 8) << 16;
	assert_int_equal(off, MICRO_STUBS_GPA + 14 * 16);
	assert_int_equal(mem.host[off + 5], 14);   /* mov $14, %al */
	assert_true(micro_vector_has_errcode(14));
	assert_false(micro_vector_has_errcode(6));
}

/* --- hypercalls --- */
static void test_hc_buffer(void **state)
{
	const void *p;

	(void)state;
	assert_int_equal(micro_hc_buffer(&mem, MICRO_IMAGE_BASE, 100, &p), MICRO_HC_OK);
	assert_ptr_equal(p, mem.host + MICRO_IMAGE_BASE);
	assert_int_equal(micro_hc_buffer(&mem, MICRO_IMAGE_BASE, 0, &p), MICRO_HC_OK);
	assert_int_equal(micro_hc_buffer(&mem, RAM - 10, 100, &p), MICRO_HC_EFAULT);
	assert_int_equal(micro_hc_buffer(&mem, RAM, 1, &p), MICRO_HC_EFAULT);
	assert_int_equal(micro_hc_buffer(&mem, ~0ULL - 4, 16, &p), MICRO_HC_EFAULT);
	assert_int_equal(micro_hc_buffer(&mem, MICRO_MMIO_GPA, 4, &p), MICRO_HC_EFAULT);
	assert_int_equal(micro_hc_buffer(&mem, 0, MICRO_HC_MAX_LEN + 1, &p), MICRO_HC_E2BIG);
	assert_int_equal(micro_hc_buffer(&mem, 0, ~0ULL, &p), MICRO_HC_E2BIG);
}

static void parse_ok(const char *s)
{
	json_t *o = micro_result_parse(s, strlen(s), err, sizeof(err));

	assert_non_null(o);
	json_decref(o);
}

static void parse_bad(const char *s)
{
	assert_null(micro_result_parse(s, strlen(s), err, sizeof(err)));
}

static void test_result_lines(void **state)
{
	(void)state;
	parse_ok("{\"workload\":\"ptrchase\",\"metric\":\"latency_ns\",\"value\":83.2,"
		 "\"unit\":\"ns\",\"higher_is_better\":false,\"params\":{\"working_set\":1}}\n");
	parse_ok("{\"workload\":\"exits\",\"metric\":\"cycles_per_op\",\"value\":null,"
		 "\"unit\":\"cycles\",\"higher_is_better\":false,"
		 "\"extra\":{\"available\":false,\"reason\":\"x\"}}");
	parse_bad("{\"workload\":\"exits\",\"metric\":\"m\",\"value\":null,"
		  "\"unit\":\"u\",\"higher_is_better\":false}");
	parse_bad("{\"workload\":\"w\",\"metric\":\"m\",\"value\":\"1\","
		  "\"unit\":\"u\",\"higher_is_better\":false}");
	parse_bad("{\"workload\":\"w\",\"value\":1,\"unit\":\"u\",\"higher_is_better\":true}");
	parse_bad("{\"workload\":\"w\",\"metric\":\"m\",\"value\":1,\"unit\":\"u\","
		  "\"higher_is_better\":1}");
	parse_bad("[1,2]");
	parse_bad("{\"workload\":");
	parse_bad("");
	parse_bad("{\"workload\":\"w\",\"workload\":\"v\",\"metric\":\"m\",\"value\":1,"
		  "\"unit\":\"u\",\"higher_is_better\":true}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_elf_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_elf_hostile_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_elf_hostile_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pt_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pt_1g, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pt_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sys_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hc_buffer, setup, teardown),
		cmocka_unit_test(test_result_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
