/* ACPI table builders (ACPI 6.5 chapter 5). Everything is laid out in one
 * buffer that the caller copies to guest-physical `base`. */
#include <stdlib.h>
#include <string.h>

#include "hv/acpi/acpi.h"
#include "hv/acpi/tables.h"
#include "hv/layout.h"
#include "hv/vm.h"

_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP is 36 bytes (5.2.5.3)");
_Static_assert(sizeof(struct acpi_header) == 36, "table header is 36 bytes");
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT revision 6 is 276 bytes");
_Static_assert(sizeof(struct acpi_facs) == 64, "FACS is 64 bytes");

#define ACPI_RSDP_V1_LEN     20   /* the checksum field covers these */
#define ACPI_RSDP_REVISION   2
#define ACPI_TABLE_ALIGN     16
#define ACPI_FACS_ALIGN      64   /* 5.2.10: 64-byte aligned */
#define ACPI_FADT_REVISION   6
#define ACPI_FADT_MINOR      5    /* ACPI 6.5 */
#define ACPI_MADT_REVISION   5
#define ACPI_DSDT_REVISION   2    /* 2+: integers are 64 bits */
#define ACPI_XSDT_REVISION   1
#define ACPI_FACS_VERSION    2
#define ACPI_PM_PROFILE_ENTERPRISE_SERVER 4
#define ACPI_IOAPIC_ID       0    /* KVM's in-kernel IOAPIC reads ID 0 */
#define ACPI_LINT1           1    /* LINT1 carries NMI on PC platforms */
#define ACPI_NMI_ALL_CPUS    0xff
#define PIT_IRQ              0
#define PIT_GSI              2    /* the IOAPIC pin the 8254 is wired to */
#define GAS_BITS_PER_BYTE    8

struct acpi_ctx {
	uint8_t *buf;
	size_t len, off;
	uint64_t base;
	bool full;
};

uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

/* Reserve size bytes aligned to align; returns a zeroed pointer or NULL. */
static void *acpi_alloc(struct acpi_ctx *c, size_t size, size_t align, uint64_t *gpa)
{
	size_t off = (c->off + align - 1) & ~(align - 1);

	if (c->full || off > c->len || size > c->len - off) {
		c->full = true;
		return NULL;
	}
	c->off = off + size;
	*gpa = c->base + off;
	memset(c->buf + off, 0, size);
	return c->buf + off;
}

static void acpi_header_init(struct acpi_header *h, const char *sig, uint32_t len,
			     uint8_t rev)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, ACPI_OEM_ID, sizeof(h->oem_id));
	memcpy(h->oem_table_id, ACPI_OEM_TABLE_ID, sizeof(h->oem_table_id));
	h->oem_revision = 1;
	memcpy(h->creator_id, ACPI_CREATOR_ID, sizeof(h->creator_id));
	h->creator_revision = 1;
}

static void acpi_header_sum(struct acpi_header *h)
{
	h->checksum = 0;
	h->checksum = (uint8_t)-acpi_checksum(h, h->length);
}

static struct acpi_gas gas_io(uint16_t port, uint8_t len, uint8_t access)
{
	return (struct acpi_gas){ ACPI_GAS_SYSTEM_IO, (uint8_t)(len * GAS_BITS_PER_BYTE), 0,
				  access, port };
}

static void acpi_fill_fadt(struct acpi_fadt *f, uint64_t facs, uint64_t dsdt)
{
	acpi_header_init(&f->h, "FACP", sizeof(*f), ACPI_FADT_REVISION);
	/* 5.2.9: X_FIRMWARE_CTRL must be zero when FIRMWARE_CTRL is set */
	f->firmware_ctrl = (uint32_t)facs;
	f->dsdt = (uint32_t)dsdt;
	f->x_dsdt = dsdt;
	f->preferred_pm_profile = ACPI_PM_PROFILE_ENTERPRISE_SERVER;
	f->sci_int = ACPI_SCI_IRQ;
	f->smi_cmd = 0;  /* no SMI: the platform is always in ACPI mode */
	f->pm1a_evt_blk = PORT_ACPI_PM1A_EVT;
	f->pm1a_cnt_blk = PORT_ACPI_PM1A_CNT;
	f->pm_tmr_blk = PORT_ACPI_PM_TMR;
	f->pm1_evt_len = ACPI_PM1_EVT_LEN;
	f->pm1_cnt_len = ACPI_PM1_CNT_LEN;
	f->pm_tmr_len = ACPI_PM_TMR_LEN;
	f->x_pm1a_evt_blk = gas_io(PORT_ACPI_PM1A_EVT, ACPI_PM1_EVT_LEN, ACPI_GAS_ACCESS_WORD);
	f->x_pm1a_cnt_blk = gas_io(PORT_ACPI_PM1A_CNT, ACPI_PM1_CNT_LEN, ACPI_GAS_ACCESS_WORD);
	f->x_pm_tmr_blk = gas_io(PORT_ACPI_PM_TMR, ACPI_PM_TMR_LEN, ACPI_GAS_ACCESS_DWORD);
	f->p_lvl2_lat = ACPI_FADT_P_LVL2_UNSUPPORTED;
	f->p_lvl3_lat = ACPI_FADT_P_LVL3_UNSUPPORTED;
	/* no VGA, no CMOS RTC, no i8042: the kernel skips probing them */
	f->iapc_boot_arch = ACPI_IAPC_VGA_NOT_PRESENT | ACPI_IAPC_CMOS_RTC_NOT_PRESENT;
	f->flags = ACPI_FADT_WBINVD | ACPI_FADT_C1_SUPPORTED | ACPI_FADT_POWER_BUTTON |
		   ACPI_FADT_SLEEP_BUTTON | ACPI_FADT_RESET_REG_SUP;
	f->reset_reg = gas_io(PORT_ACPI_RESET, 1, ACPI_GAS_ACCESS_BYTE);
	f->reset_value = ACPI_RESET_VALUE;
	f->minor_version = ACPI_FADT_MINOR;
	acpi_header_sum(&f->h);
}

static void *acpi_add_entry(struct acpi_ctx *c, struct acpi_madt *m, size_t size)
{
	uint64_t gpa;
	void *e = acpi_alloc(c, size, 1, &gpa);

	if (e)
		m->h.length += (uint32_t)size;
	return e;
}

static uint64_t acpi_build_madt(struct acpi_ctx *c, const struct acpi_platform *p)
{
	static const struct { uint8_t irq; uint32_t gsi; uint16_t flags; } isos[] = {
		{ PIT_IRQ, PIT_GSI, ACPI_MPS_ACTIVE_HIGH | ACPI_MPS_EDGE },
		{ ACPI_SCI_IRQ, ACPI_SCI_IRQ, ACPI_MPS_ACTIVE_HIGH | ACPI_MPS_LEVEL },
	};
	struct acpi_madt_ioapic *io;
	struct acpi_madt_lapic_nmi *nmi;
	uint64_t gpa;
	struct acpi_madt *m = acpi_alloc(c, sizeof(*m), ACPI_TABLE_ALIGN, &gpa);

	if (!m)
		return 0;
	acpi_header_init(&m->h, "APIC", sizeof(*m), ACPI_MADT_REVISION);
	m->lapic_address = (uint32_t)LAPIC_GPA;
	m->flags = ACPI_MADT_PCAT_COMPAT;
	for (int i = 0; i < p->nr_cpus; i++) {
		struct acpi_madt_lapic *l = acpi_add_entry(c, m, sizeof(*l));

		if (!l)
			return 0;
		*l = (struct acpi_madt_lapic){ ACPI_MADT_LAPIC, sizeof(*l), (uint8_t)i,
					       (uint8_t)i, ACPI_MADT_LAPIC_ENABLED };
	}
	io = acpi_add_entry(c, m, sizeof(*io));
	if (!io)
		return 0;
	*io = (struct acpi_madt_ioapic){ ACPI_MADT_IOAPIC, sizeof(*io), ACPI_IOAPIC_ID, 0,
					 (uint32_t)IOAPIC_GPA, 0 };
	for (size_t i = 0; i < sizeof(isos) / sizeof(isos[0]); i++) {
		struct acpi_madt_iso *s = acpi_add_entry(c, m, sizeof(*s));

		if (!s)
			return 0;
		*s = (struct acpi_madt_iso){ ACPI_MADT_ISO, sizeof(*s), 0, isos[i].irq,
					     isos[i].gsi, isos[i].flags };
	}
	nmi = acpi_add_entry(c, m, sizeof(*nmi));
	if (!nmi)
		return 0;
	*nmi = (struct acpi_madt_lapic_nmi){ ACPI_MADT_LAPIC_NMI, sizeof(*nmi),
					     ACPI_NMI_ALL_CPUS, 0, ACPI_LINT1 };
	acpi_header_sum(&m->h);
	return gpa;
}

static uint64_t acpi_build_dsdt(struct acpi_ctx *c, const struct acpi_platform *p)
{
	size_t aml_len;
	uint8_t *aml = acpi_dsdt_aml(p, &aml_len);
	struct acpi_header *h;
	uint64_t gpa = 0;

	if (!aml)
		return 0;
	h = acpi_alloc(c, sizeof(*h) + aml_len, ACPI_TABLE_ALIGN, &gpa);
	if (h) {
		acpi_header_init(h, "DSDT", (uint32_t)(sizeof(*h) + aml_len), ACPI_DSDT_REVISION);
		memcpy(h + 1, aml, aml_len);
		acpi_header_sum(h);
	}
	free(aml);
	return h ? gpa : 0;
}

/* RSDT (32-bit entries, read by kvm-unit-tests) and XSDT (64-bit, read by
 * Linux): both list the FADT and the MADT. */
static int acpi_build_sdts(struct acpi_ctx *c, struct acpi_layout *l)
{
	const uint64_t entries[] = { l->fadt, l->madt };
	const int n = sizeof(entries) / sizeof(entries[0]);
	struct acpi_header *r = acpi_alloc(c, sizeof(*r) + n * 4, ACPI_TABLE_ALIGN, &l->rsdt);
	struct acpi_header *x = acpi_alloc(c, sizeof(*x) + n * 8, ACPI_TABLE_ALIGN, &l->xsdt);

	if (!r || !x)
		return -1;
	acpi_header_init(r, "RSDT", sizeof(*r) + n * 4, ACPI_XSDT_REVISION);
	acpi_header_init(x, "XSDT", sizeof(*x) + n * 8, ACPI_XSDT_REVISION);
	for (int i = 0; i < n; i++) {
		uint32_t e32 = (uint32_t)entries[i];

		memcpy((uint8_t *)(r + 1) + 4 * i, &e32, 4);
		memcpy((uint8_t *)(x + 1) + 8 * i, &entries[i], 8);
	}
	acpi_header_sum(r);
	acpi_header_sum(x);
	return 0;
}

int acpi_build(uint8_t *buf, size_t len, uint64_t base,
	       const struct acpi_platform *p, struct acpi_layout *l)
{
	struct acpi_ctx c = { buf, len, 0, base, false };
	struct acpi_rsdp *rsdp = acpi_alloc(&c, sizeof(*rsdp), ACPI_TABLE_ALIGN, &l->rsdp);
	struct acpi_fadt *fadt = acpi_alloc(&c, sizeof(*fadt), ACPI_TABLE_ALIGN, &l->fadt);
	struct acpi_facs *facs = acpi_alloc(&c, sizeof(*facs), ACPI_FACS_ALIGN, &l->facs);

	if (!rsdp || !fadt || !facs || p->nr_cpus < 1 || p->nr_cpus > UINT8_MAX)
		return -1;
	memcpy(facs->signature, "FACS", 4);
	facs->length = sizeof(*facs);
	facs->version = ACPI_FACS_VERSION;
	l->madt = acpi_build_madt(&c, p);
	l->dsdt = acpi_build_dsdt(&c, p);
	if (!l->madt || !l->dsdt || acpi_build_sdts(&c, l))
		return -1;
	acpi_fill_fadt(fadt, l->facs, l->dsdt);

	memcpy(rsdp->signature, "RSD PTR ", 8);
	memcpy(rsdp->oem_id, ACPI_OEM_ID, sizeof(rsdp->oem_id));
	rsdp->revision = ACPI_RSDP_REVISION;
	rsdp->rsdt_address = (uint32_t)l->rsdt;
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt_address = l->xsdt;
	rsdp->checksum = (uint8_t)-acpi_checksum(rsdp, ACPI_RSDP_V1_LEN);
	rsdp->ext_checksum = (uint8_t)-acpi_checksum(rsdp, sizeof(*rsdp));
	l->used = c.off;
	return 0;
}
