/* AML encoder: ACPI 6.5 section 20 (grammar) and 6.4 (resource data). */
#include "hv/acpi/aml.h"

#include <stdlib.h>
#include <string.h>

#define AML_INITIAL_CAP 256
#define PKGLEN_ONE_BYTE_MAX 0x3f   /* 6 bits in the lead byte */

void aml_init(struct aml *a)
{
	memset(a, 0, sizeof(*a));
}

void aml_free(struct aml *a)
{
	free(a->buf);
	aml_init(a);
}

void aml_bytes(struct aml *a, const void *p, size_t n)
{
	if (a->oom)
		return;
	if (a->len + n > a->cap) {
		size_t cap = a->cap ? a->cap : AML_INITIAL_CAP;
		uint8_t *b;

		while (cap < a->len + n)
			cap *= 2;
		b = realloc(a->buf, cap);
		if (!b) {
			a->oom = true;
			return;
		}
		a->buf = b;
		a->cap = cap;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

void aml_byte(struct aml *a, uint8_t b)
{
	aml_bytes(a, &b, 1);
}

void aml_append(struct aml *a, const struct aml *b)
{
	if (b->oom)
		a->oom = true;
	else
		aml_bytes(a, b->buf, b->len);
}

static void aml_le(struct aml *a, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		aml_byte(a, (uint8_t)(v >> (8 * i)));
}

int aml_pkglength(uint8_t out[4], size_t body)
{
	/* 20.2.4: the lead byte's bits 7:6 count the bytes that follow; with
	 * none, bits 5:0 hold the length; otherwise bits 3:0 hold its low
	 * nibble and each following byte 8 more bits. */
	if (body + 1 <= PKGLEN_ONE_BYTE_MAX) {
		out[0] = (uint8_t)(body + 1);
		return 1;
	}
	for (int n = 2; n <= 4; n++) {
		size_t total = body + n;

		if (total < (1ULL << (4 + 8 * (n - 1)))) {
			out[0] = (uint8_t)(((n - 1) << 6) | (total & 0xf));
			for (int i = 1; i < n; i++)
				out[i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
			return n;
		}
	}
	return 0;
}

static void aml_pkg(struct aml *a, size_t body)
{
	uint8_t enc[4];
	int n = aml_pkglength(enc, body);

	if (!n)
		a->oom = true;
	else
		aml_bytes(a, enc, n);
}

void aml_integer(struct aml *a, uint64_t v)
{
	if (v == 0)
		aml_byte(a, AML_ZERO_OP);
	else if (v == 1)
		aml_byte(a, AML_ONE_OP);
	else if (v <= UINT8_MAX) {
		aml_byte(a, AML_BYTE_PREFIX);
		aml_le(a, v, 1);
	} else if (v <= UINT16_MAX) {
		aml_byte(a, AML_WORD_PREFIX);
		aml_le(a, v, 2);
	} else if (v <= UINT32_MAX) {
		aml_byte(a, AML_DWORD_PREFIX);
		aml_le(a, v, 4);
	} else {
		aml_byte(a, AML_QWORD_PREFIX);
		aml_le(a, v, 8);
	}
}

void aml_string(struct aml *a, const char *s)
{
	/* 20.2.3: AsciiCharList is 0x01-0x7f */
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p > 0x7f)
			a->oom = true;
	aml_byte(a, AML_STRING_PREFIX);
	aml_bytes(a, s, strlen(s) + 1);
}

static bool nameseg_char_ok(char c, bool lead)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (!lead && c >= '0' && c <= '9');
}

void aml_namestring(struct aml *a, const char *name)
{
	char segs[255][AML_NAMESEG_LEN];
	int nsegs = 0;
	const char *p = name;

	if (*p == AML_ROOT_CHAR) {
		aml_byte(a, AML_ROOT_CHAR);
		p++;
	}
	while (*p) {
		int n = 0;

		if (nsegs == 255) {
			a->oom = true;
			return;
		}
		memset(segs[nsegs], '_', AML_NAMESEG_LEN);
		for (; *p && *p != '.'; p++, n++) {
			if (n == AML_NAMESEG_LEN || !nameseg_char_ok(*p, n == 0)) {
				a->oom = true;
				return;
			}
			segs[nsegs][n] = *p;
		}
		if (!n) {
			a->oom = true;
			return;
		}
		nsegs++;
		if (*p == '.')
			p++;
	}
	if (nsegs == 0) {
		aml_byte(a, 0);  /* NullName */
		return;
	}
	if (nsegs == 2)
		aml_byte(a, AML_DUAL_NAME_PREFIX);
	else if (nsegs > 2) {
		aml_byte(a, AML_MULTI_NAME_PREFIX);
		aml_byte(a, (uint8_t)nsegs);
	}
	aml_bytes(a, segs, (size_t)nsegs * AML_NAMESEG_LEN);
}

void aml_name(struct aml *a, const char *name, const struct aml *value)
{
	aml_byte(a, AML_NAME_OP);
	aml_namestring(a, name);
	aml_append(a, value);
}

void aml_name_integer(struct aml *a, const char *name, uint64_t v)
{
	aml_byte(a, AML_NAME_OP);
	aml_namestring(a, name);
	aml_integer(a, v);
}

void aml_name_string(struct aml *a, const char *name, const char *s)
{
	aml_byte(a, AML_NAME_OP);
	aml_namestring(a, name);
	aml_string(a, s);
}

/* op PkgLength NameString body: the PkgLength covers name and body */
static void aml_named_block(struct aml *a, const uint8_t *op, size_t oplen,
			    const char *name, const struct aml *body)
{
	struct aml inner;

	aml_init(&inner);
	aml_namestring(&inner, name);
	aml_append(&inner, body);
	aml_bytes(a, op, oplen);
	aml_pkg(a, inner.len);
	aml_append(a, &inner);
	aml_free(&inner);
}

void aml_scope(struct aml *a, const char *name, const struct aml *body)
{
	static const uint8_t op[] = { AML_SCOPE_OP };

	aml_named_block(a, op, sizeof(op), name, body);
}

void aml_device(struct aml *a, const char *name, const struct aml *body)
{
	static const uint8_t op[] = { AML_EXT_OP_PREFIX, AML_DEVICE_OP };

	aml_named_block(a, op, sizeof(op), name, body);
}

void aml_package(struct aml *a, uint8_t nelems, const struct aml *elems)
{
	aml_byte(a, AML_PACKAGE_OP);
	aml_pkg(a, 1 + elems->len);
	aml_byte(a, nelems);
	aml_append(a, elems);
}

void aml_buffer(struct aml *a, const struct aml *bytes)
{
	struct aml size;

	aml_init(&size);
	aml_integer(&size, bytes->len);
	aml_byte(a, AML_BUFFER_OP);
	aml_pkg(a, size.len + bytes->len);
	aml_append(a, &size);
	aml_append(a, bytes);
	aml_free(&size);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint32_t aml_eisaid(const char *id)
{
	/* 6.1.5: three letters in 5 bits each (A = 1), then four hex digits;
	 * stored big-endian in the 32-bit integer, which AML writes LE */
	uint32_t v;
	int d[4];

	if (strlen(id) != 7)
		return 0;
	for (int i = 0; i < 3; i++)
		if (id[i] < 'A' || id[i] > 'Z')
			return 0;
	for (int i = 0; i < 4; i++)
		if ((d[i] = hexval(id[3 + i])) < 0)
			return 0;
	v = (uint32_t)((id[0] - '@') << 10 | (id[1] - '@') << 5 | (id[2] - '@')) << 16 |
	    (uint32_t)(d[0] << 12 | d[1] << 8 | d[2] << 4 | d[3]);
	return __builtin_bswap32(v);
}

void aml_res_memory32_fixed(struct aml *a, bool rw, uint32_t base, uint32_t size)
{
	aml_byte(a, ACPI_RES_MEMORY32_FIXED);      /* 6.4.3.4 */
	aml_le(a, ACPI_RES_MEMORY32_FIXED_LEN, 2);
	aml_byte(a, rw ? ACPI_RES_MEM_RW : 0);
	aml_le(a, base, 4);
	aml_le(a, size, 4);
}

void aml_res_ext_irq(struct aml *a, uint32_t irq, bool edge, bool active_low)
{
	aml_byte(a, ACPI_RES_EXT_IRQ);             /* 6.4.3.6 */
	aml_le(a, ACPI_RES_EXT_IRQ_LEN, 2);
	aml_byte(a, ACPI_RES_EXT_IRQ_CONSUMER | (edge ? ACPI_RES_EXT_IRQ_EDGE : 0) |
		 (active_low ? ACPI_RES_EXT_IRQ_LOW : 0));
	aml_byte(a, 1);                            /* interrupt table length */
	aml_le(a, irq, 4);
}

void aml_res_io(struct aml *a, uint16_t base, uint8_t len)
{
	aml_byte(a, ACPI_RES_IO);                  /* 6.4.2.5 */
	aml_byte(a, ACPI_RES_IO_DECODE16);
	aml_le(a, base, 2);                        /* minimum */
	aml_le(a, base, 2);                        /* maximum */
	aml_byte(a, 1);                            /* alignment */
	aml_byte(a, len);
}

/* Word/DWord Address Space Descriptors (6.4.3.5.2, 6.4.3.5.3) for a bridge
 * window the device produces, with fixed minimum and maximum. */
static void res_addr(struct aml *a, uint8_t tag, uint16_t body, int width, uint8_t type,
		     uint8_t tflags, uint32_t min, uint32_t max)
{
	aml_byte(a, tag);
	aml_le(a, body, 2);
	aml_byte(a, type);
	aml_byte(a, ACPI_RES_ADDR_MIN_FIXED | ACPI_RES_ADDR_MAX_FIXED); /* producer, pos. decode */
	aml_byte(a, tflags);
	aml_le(a, 0, width);                       /* granularity */
	aml_le(a, min, width);
	aml_le(a, max, width);
	aml_le(a, 0, width);                       /* translation offset */
	aml_le(a, max - min + 1, width);           /* length */
}

void aml_res_word_window(struct aml *a, uint8_t type, uint8_t tflags, uint16_t min, uint16_t max)
{
	res_addr(a, ACPI_RES_WORD_ADDR, ACPI_RES_WORD_ADDR_LEN, 2, type, tflags, min, max);
}

void aml_res_dword_window(struct aml *a, uint8_t type, uint8_t tflags, uint32_t min, uint32_t max)
{
	res_addr(a, ACPI_RES_DWORD_ADDR, ACPI_RES_DWORD_ADDR_LEN, 4, type, tflags, min, max);
}

void aml_res_irq_noflags(struct aml *a, uint8_t irq)
{
	aml_byte(a, ACPI_RES_IRQ_NOFLAGS);         /* 6.4.2.1 */
	aml_le(a, irq < 16 ? 1u << irq : 0, 2);
}

void aml_res_end(struct aml *a)
{
	aml_byte(a, ACPI_RES_END_TAG);             /* 6.4.2.9 */
	aml_byte(a, 0);                            /* checksum 0: "treated as valid" */
}
