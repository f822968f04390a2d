/* CPU entry state shared by the loaders: a flat GDT and the control-register
 * values for 32-bit protected mode and 64-bit long mode. */
#ifndef HV_BOOT_ENTRY_H
#define HV_BOOT_ENTRY_H

#include <stdint.h>

#define X86_CR0_PE   (1ULL << 0)
#define X86_CR0_MP   (1ULL << 1)
#define X86_CR0_ET   (1ULL << 4)
#define X86_CR0_NE   (1ULL << 5)
#define X86_CR0_WP   (1ULL << 16)
#define X86_CR0_AM   (1ULL << 18)
#define X86_CR0_PG   (1ULL << 31)
#define X86_CR4_PAE  (1ULL << 5)
#define X86_CR4_PGE  (1ULL << 7)
#define X86_CR4_OSFXSR     (1ULL << 9)   /* SDM vol. 3 2.5: bit 9 */
#define X86_CR4_OSXMMEXCPT (1ULL << 10)
#define X86_EFER_SCE (1ULL << 0)
#define X86_EFER_LME (1ULL << 8)
#define X86_EFER_LMA (1ULL << 10)
#define X86_EFER_NXE (1ULL << 11)
#define X86_RFLAGS_RESERVED (1ULL << 1)

/* Boot GDT, as the Linux boot protocol expects: __BOOT_CS = 0x10,
 * __BOOT_DS = 0x18 (Documentation/arch/x86/boot.rst, 64-bit protocol). */
#define BOOT_GDT_GPA   0x500ULL
#define BOOT_CS        0x10
#define BOOT_DS        0x18

struct vcpu;

/* Write the boot GDT (null, null, code, data) into guest memory; `long_mode`
 * selects a 64-bit or a 32-bit code segment. */
void boot_write_gdt(struct vcpu *vcpu, int long_mode);
void boot_enter_long_mode(struct vcpu *vcpu);
void boot_enter_protected_mode(struct vcpu *vcpu);

#endif
