/* selftest: exercises the system interface, not a benchmark (not in the
 * manifest). `selftest` prints its arguments and environment and emits one
 * result line; `selftest fault=null|ud|div0` faults on purpose, so the
 * tests can check that hv ends the guest with a clear report. */
#include "wl.h"

int wl_main(int argc, char **argv)
{
	const char *fault = wl_arg_str(argc, argv, "fault", "");
	void *p;

	wl_printf("selftest: env %s argc %d tsc_khz %lu page_size %lu\n", wl_env(),
		  argc, (unsigned long)wl_tsc_khz(), (unsigned long)wl_page_size());
	for (int i = 0; i < argc; i++)
		wl_printf("selftest: argv[%d] = %s\n", i, argv[i]);
	if (!wl_strcmp(fault, "null"))
		return *(volatile int *)0;
	if (!wl_strcmp(fault, "ud"))
		__asm__ volatile("ud2");
	if (!wl_strcmp(fault, "vmcall"))
		__asm__ volatile("vmcall");
	if (!wl_strcmp(fault, "vmmcall"))
		__asm__ volatile("vmmcall");
	if (!wl_strcmp(fault, "pio"))
		__asm__ volatile("inb $0xf6, %%al" ::: "rax");
	if (!wl_strcmp(fault, "div0")) {
		volatile int z = 0;

		return 1 / z;
	}
	p = wl_alloc(1 << 20, 4096);
	if (!p)
		return 1;
	wl_memset(p, 1, 1 << 20);
	wl_emit("selftest", "alloc_ok", 1, "bool", 1, "{\"bytes\":1048576}", 0);
	return 0;
}
