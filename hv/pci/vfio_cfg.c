#include "hv/pci/vfio_cfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAP_PTR_MASK        0xfcu
#define CAP_FIRST_OFFSET    0x40u
#define CAP_MAX_WALK        48       /* (256 - 64) / 4: more means a loop */
#define MSI_FLAGS           2
#define MSI_FLAGS_ENABLE    0x0001u
#define MSI_FLAGS_QMASK     0x000eu  /* Multiple Message Capable */
#define MSI_FLAGS_QSIZE     0x0070u  /* Multiple Message Enable */
#define MSI_FLAGS_64BIT     0x0080u
#define MSI_FLAGS_MASKBIT   0x0100u
#define MSI_ADDR_LO         4
#define MSIX_FLAGS          2
#define MSIX_FLAGS_QSIZE    0x07ffu
#define MSIX_FLAGS_MASKALL  0x4000u
#define MSIX_FLAGS_ENABLE   0x8000u
#define MSIX_TABLE          4
#define MSIX_PBA            8
#define MSIX_CAP_LEN        12
#define MSIX_BIR_MASK       0x7u
#define PCI_ROM_LEN         4
#define BAR_LEN             4
#define BITS_PER_U64        64

static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }

static void emulate(struct vfio_cfg *c, uint32_t off, uint32_t len, uint8_t wmask)
{
	memset(c->emu_mask + off, 1, len);
	memset(c->wmask + off, wmask, len);
}

/* The BAR registers as the guest reads them, from bar[].addr. */
static void render_bars(struct vfio_cfg *c)
{
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		const struct vfio_bar *b = &c->bar[i];
		uint8_t *p = c->emu + PCI_BAR0 + BAR_LEN * i;

		if (!b->size) {
			if (!(i > 0 && c->bar[i - 1].is64 && c->bar[i - 1].size))
				put32(p, 0);
			continue;
		}
		put32(p, (uint32_t)(b->addr & ~(b->size - 1)) | b->flags);
		if (b->is64)
			put32(p + BAR_LEN, (uint32_t)((b->addr & ~(b->size - 1)) >> 32));
	}
}

/* After a guest write into the BAR registers: take the addresses back. */
static void parse_bars(struct vfio_cfg *c)
{
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		struct vfio_bar *b = &c->bar[i];
		const uint8_t *p = c->emu + PCI_BAR0 + BAR_LEN * i;
		uint32_t lowmask = b->io ? PCI_BAR_IO_MASK : PCI_BAR_MEM_MASK;
		uint64_t a;

		if (!b->size)
			continue;
		a = get32(p) & ~lowmask;
		if (b->is64)
			a |= (uint64_t)get32(p + BAR_LEN) << 32;
		b->addr = a & ~(b->size - 1);
		if (b->io)
			b->addr &= 0xffff;
	}
	render_bars(c);
}

static int init_bars(struct vfio_cfg *c, const uint8_t *hdr, const uint64_t size[],
		     char *err, size_t errlen)
{
	emulate(c, PCI_BAR0, BAR_LEN * PCI_NUM_BARS, 0xff);
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		uint32_t raw = get32(hdr + PCI_BAR0 + BAR_LEN * i);
		struct vfio_bar *b = &c->bar[i];

		if (!size[i])
			continue;
		if (size[i] & (size[i] - 1)) {
			snprintf(err, errlen, "BAR %d has a size that is not a power of two (%llu)",
				 i, (unsigned long long)size[i]);
			return -1;
		}
		b->size = size[i];
		b->io = raw & PCI_BAR_IO;
		b->flags = raw & (b->io ? PCI_BAR_IO_MASK : PCI_BAR_MEM_MASK);
		b->is64 = !b->io && (raw & PCI_BAR_MEM_TYPE_64);
		if (b->is64 && i == PCI_NUM_BARS - 1) {
			snprintf(err, errlen, "BAR 5 claims to be 64-bit");
			return -1;
		}
		if (b->is64)
			i++;  /* the upper half */
	}
	render_bars(c);
	return 0;
}

static void init_msi(struct vfio_cfg *c, const uint8_t *cfg, uint8_t cap)
{
	uint16_t flags = get16(cfg + cap + MSI_FLAGS);
	uint32_t len, data_off;

	c->msi.cap = cap;
	c->msi.max = 1u << ((flags & MSI_FLAGS_QMASK) >> 1);
	c->msi.is64 = flags & MSI_FLAGS_64BIT;
	c->msi.per_vector_mask = flags & MSI_FLAGS_MASKBIT;
	data_off = c->msi.is64 ? 12 : 8;
	len = data_off + 2 + (c->msi.per_vector_mask ? 2 + 4 + 4 : 0);
	if (cap + len > PCI_CFG_SPACE_SIZE)
		return (void)(c->msi.cap = 0);
	memcpy(c->emu + cap, cfg + cap, len);
	/* start disabled, whatever the device says */
	put16(c->emu + cap + MSI_FLAGS, flags & (MSI_FLAGS_QMASK | MSI_FLAGS_64BIT | MSI_FLAGS_MASKBIT));
	memset(c->emu + cap + MSI_ADDR_LO, 0, len - MSI_ADDR_LO);
	emulate(c, cap, len, 0);
	c->wmask[cap + MSI_FLAGS] = MSI_FLAGS_ENABLE | MSI_FLAGS_QSIZE;
	memset(c->wmask + cap + MSI_ADDR_LO, 0xff, (c->msi.is64 ? 8 : 4) + 2);
	c->wmask[cap + MSI_ADDR_LO] = 0xfc;
	if (c->msi.per_vector_mask)
		memset(c->wmask + cap + data_off + 4, 0xff, 4);
}

static void parse_msi(struct vfio_cfg *c)
{
	uint8_t cap = c->msi.cap;
	uint16_t flags = get16(c->emu + cap + MSI_FLAGS);
	unsigned mmc = (flags & MSI_FLAGS_QMASK) >> 1, mme = (flags & MSI_FLAGS_QSIZE) >> 4;
	uint32_t data_off = c->msi.is64 ? 12 : 8;

	if (mme > mmc) {  /* more than the device can do: clamp (6.8.1.3) */
		mme = mmc;
		flags = (uint16_t)((flags & ~MSI_FLAGS_QSIZE) | (mme << 4));
		put16(c->emu + cap + MSI_FLAGS, flags);
	}
	c->msi.enabled = flags & MSI_FLAGS_ENABLE;
	c->msi.nr = 1u << mme;
	c->msi.addr = get32(c->emu + cap + MSI_ADDR_LO);
	if (c->msi.is64)
		c->msi.addr |= (uint64_t)get32(c->emu + cap + MSI_ADDR_LO + 4) << 32;
	c->msi.data = get16(c->emu + cap + data_off);
	c->msi.mask = c->msi.per_vector_mask ? get32(c->emu + cap + data_off + 4) : 0;
}

static int init_msix(struct vfio_cfg *c, const uint8_t *cfg, uint8_t cap, char *err,
		     size_t errlen)
{
	uint16_t flags;
	uint32_t table, pba;
	struct vfio_msix *m = &c->msix;

	if (cap + MSIX_CAP_LEN > PCI_CFG_SPACE_SIZE)
		return 0;
	flags = get16(cfg + cap + MSIX_FLAGS);
	table = get32(cfg + cap + MSIX_TABLE);
	pba = get32(cfg + cap + MSIX_PBA);
	m->cap = cap;
	m->nr = (uint16_t)((flags & MSIX_FLAGS_QSIZE) + 1);
	m->table_bar = table & MSIX_BIR_MASK;
	m->table_off = table & ~MSIX_BIR_MASK;
	m->pba_bar = pba & MSIX_BIR_MASK;
	m->pba_off = pba & ~MSIX_BIR_MASK;
	if (m->table_bar >= PCI_NUM_BARS || m->pba_bar >= PCI_NUM_BARS ||
	    !c->bar[m->table_bar].size || !c->bar[m->pba_bar].size ||
	    m->table_off + vfio_msix_table_size(c) > c->bar[m->table_bar].size ||
	    m->pba_off + vfio_msix_pba_size(c) > c->bar[m->pba_bar].size) {
		snprintf(err, errlen, "the MSI-X table or PBA lies outside its BAR");
		return -1;
	}
	m->table = calloc(m->nr, sizeof(*m->table));
	m->pending = calloc((m->nr + BITS_PER_U64 - 1) / BITS_PER_U64, sizeof(uint64_t));
	if (!m->table || !m->pending) {
		snprintf(err, errlen, "out of memory for %u MSI-X vectors", m->nr);
		return -1;
	}
	for (unsigned i = 0; i < m->nr; i++)
		m->table[i].ctrl = MSIX_ENTRY_CTRL_MASKED;  /* the reset state (6.8.2.9) */
	memcpy(c->emu + cap, cfg + cap, MSIX_CAP_LEN);
	put16(c->emu + cap + MSIX_FLAGS, flags & MSIX_FLAGS_QSIZE);
	emulate(c, cap, MSIX_CAP_LEN, 0);
	c->wmask[cap + MSIX_FLAGS + 1] = (MSIX_FLAGS_ENABLE | MSIX_FLAGS_MASKALL) >> 8;
	return 0;
}

static int walk_caps(struct vfio_cfg *c, const uint8_t *cfg, char *err, size_t errlen)
{
	uint8_t ptr;

	if (!(get16(cfg + PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	ptr = cfg[PCI_CAPABILITY_LIST] & CAP_PTR_MASK;
	for (int n = 0; ptr; n++) {
		if (n >= CAP_MAX_WALK || ptr < CAP_FIRST_OFFSET) {
			snprintf(err, errlen, "the capability list loops or points into the header");
			return -1;
		}
		if (cfg[ptr] == PCI_CAP_ID_MSI && !c->msi.cap)
			init_msi(c, cfg, ptr);
		else if (cfg[ptr] == PCI_CAP_ID_MSIX && !c->msix.cap &&
			 init_msix(c, cfg, ptr, err, errlen))
			return -1;
		ptr = cfg[ptr + 1] & CAP_PTR_MASK;
	}
	return 0;
}

int vfio_cfg_init(struct vfio_cfg *c, const struct vfio_cfg_backend *be,
		  const struct vfio_cfg_events *ev, const uint64_t bar_size[PCI_NUM_BARS],
		  char *err, size_t errlen)
{
	uint8_t cfg[PCI_CFG_SPACE_SIZE];

	memset(c, 0, sizeof(*c));
	c->be = *be;
	c->ev = *ev;
	if (be->read(be->ctx, 0, cfg, sizeof(cfg))) {
		snprintf(err, errlen, "cannot read its config space");
		return -1;
	}
	if (get16(cfg + PCI_VENDOR_ID) == 0xffff) {
		snprintf(err, errlen, "its config space reads all-ones (device gone?)");
		return -1;
	}
	if ((cfg[PCI_HEADER_TYPE] & 0x7f) != 0) {
		snprintf(err, errlen, "header type %u: only endpoints (type 0) can be passed through",
			 cfg[PCI_HEADER_TYPE] & 0x7f);
		return -1;
	}
	c->command = get16(cfg + PCI_COMMAND);
	c->irq_pin = cfg[PCI_INTERRUPT_PIN];
	if (init_bars(c, cfg, bar_size, err, errlen))
		return -1;
	emulate(c, PCI_ROM_ADDRESS, PCI_ROM_LEN, 0);   /* no option ROM */
	emulate(c, PCI_INTERRUPT_LINE, 1, 0xff);
	if (walk_caps(c, cfg, err, errlen)) {
		vfio_cfg_free(c);
		return -1;
	}
	return 0;
}

void vfio_cfg_free(struct vfio_cfg *c)
{
	free(c->msix.table);
	free(c->msix.pending);
	c->msix.table = NULL;
	c->msix.pending = NULL;
}

static bool all_emulated(const struct vfio_cfg *c, uint32_t off, int len, bool *any)
{
	bool all = true;

	*any = false;
	for (int i = 0; i < len; i++) {
		all &= c->emu_mask[off + i];
		*any |= c->emu_mask[off + i];
	}
	return all;
}

static bool valid_access(uint32_t off, int len)
{
	return (len == 1 || len == 2 || len == 4) && off < PCI_CFG_SPACE_SIZE &&
	       off % (uint32_t)len == 0;
}

uint32_t vfio_cfg_read(struct vfio_cfg *c, uint32_t off, int len)
{
	uint8_t b[4] = { 0xff, 0xff, 0xff, 0xff };
	uint32_t v = 0;
	bool any;

	if (!valid_access(off, len))
		return UINT32_MAX;
	if (!all_emulated(c, off, len, &any) && c->be.read(c->be.ctx, off, b, len))
		memset(b, 0xff, sizeof(b));
	for (int i = 0; i < len; i++)
		if (c->emu_mask[off + i])
			b[i] = c->emu[off + i];
	memcpy(&v, b, (size_t)len);
	return v;
}

static bool touches(uint32_t off, int len, uint32_t start, uint32_t n)
{
	return off < start + n && start < off + (uint32_t)len;
}

void vfio_cfg_write(struct vfio_cfg *c, uint32_t off, uint32_t val, int len)
{
	uint8_t b[4];
	bool any, all;

	if (!valid_access(off, len))
		return;
	memcpy(b, &val, sizeof(b));
	all = all_emulated(c, off, len, &any);
	if (!any) {
		c->be.write(c->be.ctx, off, b, len);
	} else if (!all) {
		for (int i = 0; i < len; i++)
			if (!c->emu_mask[off + i])
				c->be.write(c->be.ctx, off + i, &b[i], 1);
	}
	for (int i = 0; i < len; i++)
		if (c->emu_mask[off + i])
			c->emu[off + i] = (uint8_t)((c->emu[off + i] & ~c->wmask[off + i]) |
						    (b[i] & c->wmask[off + i]));

	if (touches(off, len, PCI_COMMAND, 2)) {
		uint16_t cmd = c->command;

		if (!c->be.read(c->be.ctx, PCI_COMMAND, &cmd, 2) && cmd != c->command) {
			bool decode = (cmd ^ c->command) & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY);

			c->command = cmd;
			if (decode && c->ev.bars_changed)
				c->ev.bars_changed(c->ev.owner);
		}
	}
	if (touches(off, len, PCI_BAR0, BAR_LEN * PCI_NUM_BARS)) {
		parse_bars(c);
		if (c->ev.bars_changed)
			c->ev.bars_changed(c->ev.owner);
	}
	if (c->msi.cap && touches(off, len, c->msi.cap, 24)) {
		parse_msi(c);
		if (c->ev.msi_changed)
			c->ev.msi_changed(c->ev.owner);
	}
	if (c->msix.cap && touches(off, len, c->msix.cap + MSIX_FLAGS, 2)) {
		uint16_t flags = get16(c->emu + c->msix.cap + MSIX_FLAGS);

		c->msix.enabled = flags & MSIX_FLAGS_ENABLE;
		c->msix.fmask = flags & MSIX_FLAGS_MASKALL;
		if (c->ev.msix_changed)
			c->ev.msix_changed(c->ev.owner, -1);
	}
}

void vfio_cfg_set_bar(struct vfio_cfg *c, int i, uint64_t addr)
{
	if (i < 0 || i >= PCI_NUM_BARS || !c->bar[i].size)
		return;
	c->bar[i].addr = addr & ~(c->bar[i].size - 1);
	render_bars(c);
}

bool vfio_cfg_bar_decoded(const struct vfio_cfg *c, int i)
{
	if (i < 0 || i >= PCI_NUM_BARS || !c->bar[i].size)
		return false;
	return c->command & (c->bar[i].io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY);
}

uint64_t vfio_msix_table_size(const struct vfio_cfg *c)
{
	return (uint64_t)c->msix.nr * MSIX_ENTRY_SIZE;
}

uint64_t vfio_msix_pba_size(const struct vfio_cfg *c)
{
	return (uint64_t)(c->msix.nr + BITS_PER_U64 - 1) / BITS_PER_U64 * sizeof(uint64_t);
}

void vfio_msix_table_access(struct vfio_cfg *c, uint64_t off, uint8_t *data, uint32_t len,
			    bool is_write)
{
	uint64_t v = (off / MSIX_ENTRY_SIZE);
	uint8_t *entry;

	if ((len != 4 && len != 8) || off % len || !c->msix.table || v >= c->msix.nr) {
		if (!is_write)
			memset(data, 0, len);
		return;
	}
	entry = (uint8_t *)&c->msix.table[v] + off % MSIX_ENTRY_SIZE;
	if (!is_write) {
		memcpy(data, entry, len);
		return;
	}
	memcpy(entry, data, len);
	c->msix.table[v].ctrl &= MSIX_ENTRY_CTRL_MASKED;  /* other bits reserved */
	if (c->ev.msix_changed)
		c->ev.msix_changed(c->ev.owner, (int)v);
}

void vfio_msix_pba_read(struct vfio_cfg *c, uint64_t off, uint8_t *data, uint32_t len)
{
	uint64_t size = vfio_msix_pba_size(c);

	memset(data, 0, len);
	if (!c->msix.pending || off >= size)
		return;
	for (uint32_t i = 0; i < len && off + i < size; i++) {
		uint64_t word = __atomic_load_n(&c->msix.pending[(off + i) / 8], __ATOMIC_RELAXED);

		data[i] = (uint8_t)(word >> (8 * ((off + i) % 8)));
	}
}

bool vfio_msix_vector_live(const struct vfio_cfg *c, unsigned v)
{
	return c->msix.enabled && !c->msix.fmask && v < c->msix.nr &&
	       !(c->msix.table[v].ctrl & MSIX_ENTRY_CTRL_MASKED);
}
