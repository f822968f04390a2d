/* A multiboot v1 test guest for hv's kvm-unit-tests interface. It prints
 * "mbtest cpus=<NB_CPUS> ram=<RAM_SIZE in MiB> cmdline=<cmdline>" on COM1
 * (polling LSR.THRE like kvm-unit-tests), then acts on the first cmdline
 * character: 'e' outl(3, 0xf4); 's' writes "Shutdown" to 0x8900 and halts;
 * 'f' triple-faults; 'm' writes the boot marker; 'w' spins until stopped;
 * anything else outl(0, 0xf4). */
	.code32
	.section .text
	.align 4
	.long 0x1BADB002, 0, -(0x1BADB002)

	.globl _start
_start:
	mov %ebx, %edi              /* multiboot info */
	mov $0x90000, %esp
	mov $s_hello, %esi
	call puts
	mov $5, %ax                 /* FW_CFG_NB_CPUS */
	call fwcfg_u32
	call putdec
	mov $s_ram, %esi
	call puts
	mov $3, %ax                 /* FW_CFG_RAM_SIZE (low 32 bits suffice) */
	call fwcfg_u32
	shr $20, %eax
	call putdec
	mov $s_cmd, %esi
	call puts
	mov 16(%edi), %esi          /* info->cmdline */
	push %esi
	call puts
	mov $'\n', %al
	call putc
	pop %esi
	movb (%esi), %al
	cmp $'e', %al
	je exit3
	cmp $'s', %al
	je shutdown
	cmp $'f', %al
	je triple
	cmp $'w', %al
	je spin
	cmp $'m', %al
	jne exit0
	movl $1, 0xd0000000         /* boot marker (MMIO) */
exit0:	xor %eax, %eax
	jmp 1f
exit3:	mov $3, %eax
1:	mov $0xf4, %dx
	out %eax, %dx
	hlt
spin:	pause
	jmp spin
shutdown:
	mov $s_shutdown, %esi
	mov $0x8900, %dx
2:	lodsb
	test %al, %al
	jz 3f
	out %al, %dx
	jmp 2b
3:	cli
	hlt
triple:
	lidt idt_null
	ud2                     /* #UD with no IDT: #DF, then shutdown */

/* fwcfg_u32: AX = key -> EAX = first 4 bytes, little-endian */
fwcfg_u32:
	push %ecx
	push %edx
	mov $0x510, %dx
	out %ax, %dx
	mov $0x511, %dx
	xor %ecx, %ecx
	mov $4, %ch
4:	shl $8, %eax            /* collect bytes into the high end ... */
	in %dx, %al
	dec %ch
	jnz 4b
	bswap %eax              /* ... then reverse: byte 0 is least significant */
	pop %edx
	pop %ecx
	ret

/* putc: AL -> COM1, waiting for LSR.THRE */
putc:
	push %edx
	push %eax
	mov $0x3fd, %dx
5:	in %dx, %al
	test $0x20, %al
	jz 5b
	pop %eax
	mov $0x3f8, %dx
	out %al, %dx
	pop %edx
	ret

puts:
	lodsb
	test %al, %al
	jz 6f
	call putc
	jmp puts
6:	ret

/* putdec: EAX unsigned -> decimal */
putdec:
	push %ebx
	push %ecx
	push %edx
	mov $10, %ebx
	xor %ecx, %ecx
7:	xor %edx, %edx
	div %ebx
	push %edx
	inc %ecx
	test %eax, %eax
	jnz 7b
8:	pop %eax
	add $'0', %al
	call putc
	loop 8b
	pop %edx
	pop %ecx
	pop %ebx
	ret

	.section .data
s_hello:    .asciz "mbtest cpus="
s_ram:      .asciz " ram="
s_cmd:      .asciz " cmdline="
s_shutdown: .asciz "Shutdown"
	.align 8
idt_null:   .word 0
	    .long 0
