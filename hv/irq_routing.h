/* The VM's GSI routing table (KVM_SET_GSI_ROUTING). KVM's default table
 * (GSIs 0-15 on the PIC and IOAPIC, 16-23 on the IOAPIC) is what the
 * in-kernel irqchip starts with; KVM_SET_GSI_ROUTING replaces the whole
 * table, so hv keeps those defaults and adds one MSI route per passthrough
 * vector (GSI 24 up), pointed at whatever address/data the guest programs.
 * Routes are changed from vCPU threads; the table has its own lock. */
#ifndef HV_IRQ_ROUTING_H
#define HV_IRQ_ROUTING_H

#include <stdint.h>

struct vm;

#define IRQ_ROUTING_IOAPIC_PINS 24
#define IRQ_ROUTING_PIC_IRQS    16
#define IRQ_ROUTING_MSI_BASE    24   /* first GSI that is not an irqchip pin */
#define IRQ_ROUTING_MAX_MSI     512

/* A new MSI GSI with no route yet (it is added by irq_route_msi_set), or
 * -1 when every one is taken. */
int irq_route_msi_alloc(struct vm *vm);
/* Point gsi at an MSI message and commit the table to KVM. Returns 0, or
 * -1 with errno from KVM_SET_GSI_ROUTING. */
int irq_route_msi_set(struct vm *vm, int gsi, uint64_t addr, uint32_t data);
/* Drop gsi's route (the GSI stays allocated) and commit. */
int irq_route_msi_clear(struct vm *vm, int gsi);
/* Deliver one MSI now (KVM_SIGNAL_MSI): a vector that fired while masked. */
int irq_msi_signal(struct vm *vm, uint64_t addr, uint32_t data);

#endif
