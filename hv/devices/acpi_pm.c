/* ACPI fixed hardware (ACPI 6.5 4.8) described by our FADT, plus the
 * legacy reset paths:
 *   0x600  PM1a event block: status (2 bytes, write 1 to clear), enable (2)
 *   0x604  PM1a control: SCI_EN reads 1; SLP_EN with SLP_TYP = \_S5 powers off
 *   0x608  PM timer: 24-bit, 3.579545 MHz, from CLOCK_MONOTONIC
 *   0xcf9  reset control (FADT RESET_REG): RST_CPU (bit 2) resets
 *   0x64   i8042 command: 0xfe pulses the reset line; status reads "empty" */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "hv/acpi/acpi.h"
#include "hv/device.h"
#include "hv/layout.h"
#include "hv/log.h"
#include "hv/vm.h"

#define PM1_STS_OFFSET      0
#define PM1_EN_OFFSET       2
#define PM_TMR_MASK         0xffffffULL   /* 24-bit (FADT TMR_VAL_EXT clear) */
#define NSEC_PER_SEC        1000000000ULL
#define RESET_CTL_RST_CPU   0x04          /* 0xcf9 bit 2: reset the CPU */
#define I8042_CMD_RESET     0xfe          /* pulse output line 0 (reset) */
#define I8042_STATUS_SYS    0x04          /* system flag; OBF/IBF clear */

static struct {
	pthread_mutex_t lock;
	uint16_t pm1_sts, pm1_en, pm1_cnt;
	uint8_t reset_ctl;
	uint64_t t0_ns;
	uint64_t timer_reads;
} pm = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void put_le(uint8_t *data, uint32_t len, uint64_t v, uint64_t byte_off)
{
	for (uint32_t i = 0; i < len; i++)
		data[i] = (uint8_t)(i + byte_off < 8 ? v >> (8 * (i + byte_off)) : 0);
}

/* PM timer ticks since hv started, without overflowing 64 bits. */
uint64_t acpi_pm_timer_ticks(uint64_t ns)
{
	return (ns / NSEC_PER_SEC) * ACPI_PM_TMR_HZ +
	       (ns % NSEC_PER_SEC) * ACPI_PM_TMR_HZ / NSEC_PER_SEC;
}

static void pm1_evt_io(struct vcpu *vcpu, void *opaque, uint64_t off, uint8_t *data,
		       uint32_t len, bool is_write)
{
	uint32_t regs;

	(void)vcpu; (void)opaque;
	pthread_mutex_lock(&pm.lock);
	regs = pm.pm1_sts | (uint32_t)pm.pm1_en << 16;
	if (!is_write) {
		put_le(data, len, regs, off);
	} else {
		for (uint32_t i = 0; i < len && off + i < ACPI_PM1_EVT_LEN; i++) {
			uint64_t o = off + i;

			if (o < PM1_EN_OFFSET)  /* PM1_STS: write 1 to clear */
				pm.pm1_sts &= (uint16_t)~((uint16_t)data[i] << (8 * o));
			else {
				o -= PM1_EN_OFFSET;
				pm.pm1_en = (uint16_t)((pm.pm1_en & ~(0xff << (8 * o))) |
						       data[i] << (8 * o));
			}
		}
	}
	pthread_mutex_unlock(&pm.lock);
}

static void pm1_cnt_io(struct vcpu *vcpu, void *opaque, uint64_t off, uint8_t *data,
		       uint32_t len, bool is_write)
{
	struct vm *vm = opaque;
	uint16_t v;

	(void)vcpu;
	pthread_mutex_lock(&pm.lock);
	if (!is_write) {
		put_le(data, len, pm.pm1_cnt | ACPI_PM1_CNT_SCI_EN, off);
		pthread_mutex_unlock(&pm.lock);
		return;
	}
	v = pm.pm1_cnt;
	for (uint32_t i = 0; i < len && off + i < ACPI_PM1_CNT_LEN; i++)
		v = (uint16_t)((v & ~(0xff << (8 * (off + i)))) | data[i] << (8 * (off + i)));
	/* SLP_EN is write-only: it triggers the transition and reads 0 */
	pm.pm1_cnt = v & (uint16_t)~ACPI_PM1_CNT_SLP_EN;
	pthread_mutex_unlock(&pm.lock);
	if (!(v & ACPI_PM1_CNT_SLP_EN))
		return;
	if (((v & ACPI_PM1_CNT_SLP_TYP_MASK) >> ACPI_PM1_CNT_SLP_TYP_SHIFT) == ACPI_S5_SLP_TYP)
		vm_request_exit(vm, VM_EXIT_POWEROFF, 0, "guest powered off (ACPI S5)");
	else
		guest_warn_once("guest asked for an ACPI sleep state other than S5 "
				"(SLP_TYP %u): ignored",
				(v & ACPI_PM1_CNT_SLP_TYP_MASK) >> ACPI_PM1_CNT_SLP_TYP_SHIFT);
}

static void pm_tmr_io(struct vcpu *vcpu, void *opaque, uint64_t off, uint8_t *data,
		      uint32_t len, bool is_write)
{
	(void)vcpu; (void)opaque;
	if (is_write)
		return;  /* read-only */
	__atomic_add_fetch(&pm.timer_reads, 1, __ATOMIC_RELAXED);
	put_le(data, len, acpi_pm_timer_ticks(hv_now_ns() - pm.t0_ns) & PM_TMR_MASK, off);
}

static void reset_io(struct vcpu *vcpu, void *opaque, uint64_t off, uint8_t *data,
		     uint32_t len, bool is_write)
{
	struct vm *vm = opaque;

	(void)vcpu; (void)off;
	if (!is_write) {
		put_le(data, len, pm.reset_ctl, 0);
		return;
	}
	pm.reset_ctl = data[0] & (uint8_t)~RESET_CTL_RST_CPU;
	if (data[0] & RESET_CTL_RST_CPU)
		vm_request_exit(vm, VM_EXIT_RESET, 0, "guest reset (port 0xcf9 value 0x%02x)",
				data[0]);
}

static void i8042_io(struct vcpu *vcpu, void *opaque, uint64_t off, uint8_t *data,
		     uint32_t len, bool is_write)
{
	struct vm *vm = opaque;

	(void)vcpu; (void)off;
	if (!is_write) {
		put_le(data, len, I8042_STATUS_SYS, 0);
		return;
	}
	if (data[0] == I8042_CMD_RESET)
		vm_request_exit(vm, VM_EXIT_RESET, 0, "guest reset (i8042 command 0xfe)");
}

static json_t *acpi_pm_stats(void *opaque)
{
	(void)opaque;
	return json_pack("{s:I}", "pm_timer_reads", (json_int_t)pm.timer_reads);
}

static int acpi_pm__init(struct vm *vm)
{
	pm.t0_ns = vm->t_start_ns;
	if (io_bus_register(&vm->pio, PORT_ACPI_PM1A_EVT, ACPI_PM1_EVT_LEN, pm1_evt_io, vm,
			    "acpi-pm1a-evt") ||
	    io_bus_register(&vm->pio, PORT_ACPI_PM1A_CNT, ACPI_PM1_CNT_LEN, pm1_cnt_io, vm,
			    "acpi-pm1a-cnt") ||
	    io_bus_register(&vm->pio, PORT_ACPI_PM_TMR, ACPI_PM_TMR_LEN, pm_tmr_io, vm,
			    "acpi-pm-tmr") ||
	    io_bus_register(&vm->pio, PORT_ACPI_RESET, 1, reset_io, vm, "reset-cf9") ||
	    io_bus_register(&vm->pio, PORT_I8042_CMD, 1, i8042_io, vm, "i8042-cmd")) {
		fprintf(stderr, "hv: ACPI PM ports overlap another device\n");
		return -1;
	}
	vm_add_stats_source(vm, "acpi_pm", acpi_pm_stats, NULL);
	return 0;
}
hv_device_init(acpi_pm__init, DEV_LEVEL_PLATFORM);
