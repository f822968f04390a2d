/* Micro-guest entry: hv starts the vCPU here in ring 3 (CPL 3, IOPL 3,
 * RSP = MICRO_USTACK_TOP, RDI = the shared page). See hv/boot/micro_abi.h. */
	.section .text.entry, "ax"
	.globl _start
_start:
	andq	$-16, %rsp
	xorl	%ebp, %ebp
	call	mg_start
	ud2
