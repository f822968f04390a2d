/* Everything `hv run` was asked to do, parsed from the command line
 * (hv/cli.c). Devices and loaders read it; nothing writes it after parsing. */
#ifndef HV_CONFIG_H
#define HV_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#define HV_MAX_VCPUS   64
#define HV_MAX_DISKS   8
#define HV_MAX_NETS    4

enum mem_backing { MEM_ANON, MEM_THP, MEM_HUGETLB_2M, MEM_HUGETLB_1G };

struct pin_config {
	bool automatic;               /* --pin auto (hwloc) */
	int vcpu_cpu[HV_MAX_VCPUS];   /* -1 = not pinned */
	int io_cpu;                   /* -1 = not pinned */
};

struct hv_config {
	/* what to boot: exactly one of kernel, multiboot, micro */
	const char *kernel;       /* --kernel bzImage */
	const char *initrd;       /* --initrd */
	const char *cmdline;      /* --cmdline (also the multiboot/micro args) */
	const char *multiboot;    /* --multiboot ELF (kvm-unit-tests interface) */
	const char *micro;        /* --guest micro:NAME -> path of the ELF */
	const char *micro_args;   /* arguments after --guest micro:NAME */
	const char *mb_module;    /* --initrd with --multiboot: one module */
	bool owns_args;           /* micro_args was allocated by the parser */

	int cpus;                 /* --cpus, default 1 */
	uint64_t mem_size;        /* --mem, bytes, default 256 MiB */

	/* memory knobs */
	enum mem_backing backing; /* --mem-backing */
	bool prefault;            /* --prefault */
	bool ksm;                 /* --ksm on|off */
	int numa_node;            /* --numa-node, -1 = none */
	unsigned guest_page_size; /* --guest-page-size 4k|2m|1g (micro-guests) */

	struct pin_config pin;    /* --pin */
	const char *cgroup;       /* --cgroup NAME[,mem=SIZE][,swap=SIZE] */

	/* devices: raw specs, each parsed by its device */
	const char *disks[HV_MAX_DISKS];
	int nr_disks;
	const char *nets[HV_MAX_NETS];
	int nr_nets;
	const char *balloon;      /* --balloon SPEC */
	const char *vfio;         /* --vfio BDF */

	const char *api_socket;   /* --api SOCKET */
	const char *stats_json;   /* --stats-json FILE ("-" = stdout) */
	const char *serial_out;   /* --serial FILE (default stdout) */
	bool quiet;               /* --quiet */
	double timeout_s;         /* --timeout SECONDS (0 = none) */
};

#endif
