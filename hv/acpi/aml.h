/* A small AML encoder (ACPI 6.5 section 20, "ACPI Machine Language
 * Specification") for the DSDT hv generates: names, integers, strings,
 * packages, buffers, scopes, devices and resource templates (section 6.4).
 * Objects with a body are built bottom-up: encode the body into its own
 * struct aml, then wrap it. Allocation failures are sticky (a->oom). */
#ifndef HV_ACPI_AML_H
#define HV_ACPI_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Opcodes and prefixes (ACPI 6.5 20.2.3 - 20.2.5) */
#define AML_ZERO_OP        0x00
#define AML_ONE_OP         0x01
#define AML_NAME_OP        0x08
#define AML_BYTE_PREFIX    0x0a
#define AML_WORD_PREFIX    0x0b
#define AML_DWORD_PREFIX   0x0c
#define AML_STRING_PREFIX  0x0d
#define AML_QWORD_PREFIX   0x0e
#define AML_SCOPE_OP       0x10
#define AML_BUFFER_OP      0x11
#define AML_PACKAGE_OP     0x12
#define AML_EXT_OP_PREFIX  0x5b
#define AML_DEVICE_OP      0x82   /* after AML_EXT_OP_PREFIX */
#define AML_ROOT_CHAR      '\\'
#define AML_DUAL_NAME_PREFIX  0x2e
#define AML_MULTI_NAME_PREFIX 0x2f
#define AML_NAMESEG_LEN    4
#define AML_PKGLENGTH_MAX  ((1u << 28) - 1)

/* Resource descriptors (ACPI 6.5 6.4) */
#define ACPI_RES_IRQ_NOFLAGS   0x22   /* small, IRQ, 2 bytes */
#define ACPI_RES_IO            0x47   /* small, I/O port, 7 bytes */
#define ACPI_RES_END_TAG       0x79   /* small, end tag, 1 byte */
#define ACPI_RES_MEMORY32_FIXED 0x86  /* large, 9 bytes */
#define ACPI_RES_EXT_IRQ       0x89   /* large, extended interrupt */
#define ACPI_RES_MEMORY32_FIXED_LEN 9
#define ACPI_RES_EXT_IRQ_LEN   6      /* with one interrupt number */
#define ACPI_RES_MEM_RW        0x01
#define ACPI_RES_EXT_IRQ_CONSUMER  0x01
#define ACPI_RES_EXT_IRQ_EDGE      0x02   /* clear: level-triggered */
#define ACPI_RES_EXT_IRQ_LOW       0x04   /* clear: active-high */
#define ACPI_RES_IO_DECODE16   0x01
#define ACPI_RES_DWORD_ADDR    0x87   /* large, DWord address space */
#define ACPI_RES_WORD_ADDR     0x88   /* large, Word address space */
#define ACPI_RES_DWORD_ADDR_LEN 23
#define ACPI_RES_WORD_ADDR_LEN 13
#define ACPI_RES_ADDR_MEMORY   0      /* resource types */
#define ACPI_RES_ADDR_IO       1
#define ACPI_RES_ADDR_BUS      2
#define ACPI_RES_ADDR_MIN_FIXED 0x04  /* general flags */
#define ACPI_RES_ADDR_MAX_FIXED 0x08
#define ACPI_RES_IO_ENTIRE_RANGE 0x03 /* I/O type-specific flags: _RNG */
#define ACPI_RES_MEM_NONCACHEABLE_RW 0x01 /* memory type-specific: _RW, _MEM = 0 */

struct aml {
	uint8_t *buf;
	size_t len, cap;
	bool oom;      /* an allocation or encoding failed; output is invalid */
};

void aml_init(struct aml *a);
void aml_free(struct aml *a);
void aml_bytes(struct aml *a, const void *p, size_t n);
void aml_byte(struct aml *a, uint8_t b);
void aml_append(struct aml *a, const struct aml *b);

/* PkgLength for a body of `body` bytes: the encoded length counts its own
 * bytes (20.2.4). Writes 1-4 bytes to out, returns how many, 0 if too big. */
int aml_pkglength(uint8_t out[4], size_t body);

/* Integer with the shortest encoding (ZeroOp, OneOp, Byte/Word/DWord/QWord). */
void aml_integer(struct aml *a, uint64_t v);
void aml_string(struct aml *a, const char *s);
/* "\_SB_", "_HID", "_SB.V000": optional root prefix, dot-separated segments
 * of up to 4 characters (padded with '_'). Invalid names set oom. */
void aml_namestring(struct aml *a, const char *name);

void aml_name(struct aml *a, const char *name, const struct aml *value);
void aml_name_integer(struct aml *a, const char *name, uint64_t v);
void aml_name_string(struct aml *a, const char *name, const char *s);
void aml_scope(struct aml *a, const char *name, const struct aml *body);
void aml_device(struct aml *a, const char *name, const struct aml *body);
void aml_package(struct aml *a, uint8_t nelems, const struct aml *elems);
void aml_buffer(struct aml *a, const struct aml *bytes);

/* EISA id "PNP0501" -> the compressed 32-bit form (6.1.5 _HID). Returns 0
 * for a malformed id. */
uint32_t aml_eisaid(const char *id);

/* Resource template items, appended raw (wrap the result in aml_buffer). */
void aml_res_memory32_fixed(struct aml *a, bool rw, uint32_t base, uint32_t size);
void aml_res_ext_irq(struct aml *a, uint32_t irq, bool edge, bool active_low);
void aml_res_io(struct aml *a, uint16_t base, uint8_t len);
void aml_res_irq_noflags(struct aml *a, uint8_t irq);
/* A bridge window [min, max] (ResourceProducer, MinFixed, MaxFixed). */
void aml_res_word_window(struct aml *a, uint8_t type, uint8_t tflags, uint16_t min, uint16_t max);
void aml_res_dword_window(struct aml *a, uint8_t type, uint8_t tflags, uint32_t min, uint32_t max);
void aml_res_end(struct aml *a);

#endif
