/* The guest-physical address map that hv presents (x86_64).
 *
 *   0x0000_0000 .. 0x0009_fbff   RAM (real-mode area, boot_params, tables)
 *   0x0009_fc00 .. 0x000f_ffff   reserved: EBDA, ACPI tables, BIOS area
 *   0x0010_0000 .. low_end       RAM (kernel, initrd, page tables)
 *   0xc000_0000 .. 0xffff_ffff   MMIO hole (never RAM):
 *       0xd000_0000  boot-complete marker (any write records the time)
 *       0xd000_1000  null MMIO region for exit-cost benchmarks (4 KiB)
 *       0xd010_0000  virtio-mmio devices, 4 KiB apart, IRQs from 5 up
 *       0xfec0_0000  IOAPIC, 0xfee0_0000 local APIC (in-kernel irqchip)
 *   0x1_0000_0000 ..             RAM above the hole, when mem > 3 GiB
 */
#ifndef HV_LAYOUT_H
#define HV_LAYOUT_H

#define GUEST_LOW_RAM_END     0xc0000000ULL /* start of the MMIO hole */
#define GUEST_HIGH_RAM_START  0x100000000ULL

#define EBDA_START            0x9fc00ULL
#define BIOS_AREA_END         0x100000ULL
#define ACPI_TABLES_START     0xe0000ULL  /* RSDP is found by scanning here */
#define ACPI_TABLES_END       0x100000ULL

#define BOOT_MARKER_GPA       0xd0000000ULL
#define NULL_MMIO_GPA         0xd0001000ULL
#define NULL_MMIO_SIZE        0x1000ULL
#define VIRTIO_MMIO_BASE      0xd0100000ULL
#define VIRTIO_MMIO_SIZE      0x1000ULL
#define VIRTIO_MMIO_MAX       16
#define VIRTIO_MMIO_IRQ_BASE  5

#define IOAPIC_GPA            0xfec00000ULL
#define LAPIC_GPA             0xfee00000ULL

/* I/O ports */
#define PORT_SERIAL_COM1      0x3f8
#define PORT_DEBUG_EXIT       0xf4    /* outl(code): exit (code << 1) | 1 */
#define PORT_NULL             0xf6    /* null port for exit benchmarks */
#define PORT_QEMU_SHUTDOWN    0x8900  /* "Shutdown" string, then hlt */
#define PORT_FW_CFG_SEL       0x510
#define PORT_FW_CFG_DATA      0x511
#define PORT_BOOT_MARKER      0xf5    /* outb: boot-complete marker (port form) */
#define PORT_ACPI_PM1A_EVT    0x600   /* FADT PM1a event block (4 ports) */
#define PORT_ACPI_PM1A_CNT    0x604   /* FADT PM1a control: SLP_EN powers off */
#define PORT_ACPI_PM_TMR      0x608   /* FADT PM timer */
#define PORT_ACPI_RESET       0xcf9   /* reset register (FADT RESET_REG) */
#define PORT_I8042_CMD        0x64    /* 0xfe = pulse reset line */

#endif
