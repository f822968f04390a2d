/* ACPI table layouts (ACPI 6.5 chapter 5), packed as they sit in memory. */
#ifndef HV_ACPI_TABLES_H
#define HV_ACPI_TABLES_H

#include <stdint.h>

#define ACPI_OEM_ID        "HVPERF"
#define ACPI_OEM_TABLE_ID  "HVPERFVM"
#define ACPI_CREATOR_ID    "HVPF"

struct acpi_rsdp {              /* 5.2.5.3 */
	char signature[8];      /* "RSD PTR " */
	uint8_t checksum;       /* first 20 bytes */
	char oem_id[6];
	uint8_t revision;       /* 2 = ACPI 2.0+ */
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t ext_checksum;   /* whole structure */
	uint8_t reserved[3];
} __attribute__((packed));

struct acpi_header {            /* 5.2.6 */
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));

struct acpi_gas {               /* 5.2.3.2 Generic Address Structure */
	uint8_t space_id;       /* 1 = system I/O */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;    /* 1 byte, 2 word, 3 dword, 4 qword */
	uint64_t address;
} __attribute__((packed));

#define ACPI_GAS_SYSTEM_IO   1
#define ACPI_GAS_ACCESS_BYTE 1
#define ACPI_GAS_ACCESS_WORD 2
#define ACPI_GAS_ACCESS_DWORD 3

struct acpi_fadt {              /* 5.2.9, revision 6 */
	struct acpi_header h;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk;
	uint32_t pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	uint8_t gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl, x_dsdt;
	struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk, x_pm1a_cnt_blk, x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk, x_pm_tmr_blk, x_gpe0_blk, x_gpe1_blk;
	struct acpi_gas sleep_control_reg, sleep_status_reg;
	uint64_t hypervisor_vendor_id;
} __attribute__((packed));

/* FADT flags (table 5.10) and IA-PC boot architecture flags (table 5.11) */
#define ACPI_FADT_WBINVD         (1u << 0)
#define ACPI_FADT_C1_SUPPORTED   (1u << 2)
#define ACPI_FADT_POWER_BUTTON   (1u << 4)   /* set: no fixed power button */
#define ACPI_FADT_SLEEP_BUTTON   (1u << 5)   /* set: no fixed sleep button */
#define ACPI_FADT_RESET_REG_SUP  (1u << 10)
#define ACPI_FADT_HW_REDUCED     (1u << 20)
#define ACPI_IAPC_VGA_NOT_PRESENT (1u << 2)
#define ACPI_IAPC_CMOS_RTC_NOT_PRESENT (1u << 5)
#define ACPI_FADT_P_LVL2_UNSUPPORTED 101     /* > 100 us: no C2 */
#define ACPI_FADT_P_LVL3_UNSUPPORTED 1001    /* > 1000 us: no C3 */

struct acpi_facs {              /* 5.2.10 */
	char signature[4];
	uint32_t length;
	uint32_t hardware_signature;
	uint32_t firmware_waking_vector;
	uint32_t global_lock;
	uint32_t flags;
	uint64_t x_firmware_waking_vector;
	uint8_t version;
	uint8_t reserved[3];
	uint32_t ospm_flags;
	uint8_t reserved2[24];
} __attribute__((packed));

struct acpi_madt {              /* 5.2.12 */
	struct acpi_header h;
	uint32_t lapic_address;
	uint32_t flags;         /* bit 0: PCAT_COMPAT (dual 8259 present) */
} __attribute__((packed));

#define ACPI_MADT_PCAT_COMPAT   1
#define ACPI_MADT_LAPIC         0
#define ACPI_MADT_IOAPIC        1
#define ACPI_MADT_ISO           2
#define ACPI_MADT_LAPIC_NMI     4
#define ACPI_MADT_LAPIC_ENABLED 1
/* MPS INTI flags (table 5.26): polarity bits 1:0, trigger mode bits 3:2 */
#define ACPI_MPS_ACTIVE_HIGH    0x1
#define ACPI_MPS_EDGE           (0x1 << 2)
#define ACPI_MPS_LEVEL          (0x3 << 2)

struct acpi_madt_lapic {        /* 5.2.12.2 */
	uint8_t type, length, processor_uid, apic_id;
	uint32_t flags;
} __attribute__((packed));

struct acpi_madt_ioapic {       /* 5.2.12.3 */
	uint8_t type, length, id, reserved;
	uint32_t address;
	uint32_t gsi_base;
} __attribute__((packed));

struct acpi_madt_iso {          /* 5.2.12.5 Interrupt Source Override */
	uint8_t type, length, bus, source;
	uint32_t gsi;
	uint16_t flags;
} __attribute__((packed));

struct acpi_madt_lapic_nmi {    /* 5.2.12.7 */
	uint8_t type, length, processor_uid;
	uint16_t flags;
	uint8_t lint;
} __attribute__((packed));

#endif
