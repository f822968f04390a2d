#include "hv/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv/placement.h"

int cli_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	}
	if (shift && (!strcmp(end, "iB") || !strcmp(end, "B")))
		end += strlen(end);
	if (*end || v == 0 || (shift && v > (~0ULL >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* Find a micro-guest ELF by name: an explicit path, or
 * <hv's directory>/../workloads/micro/NAME.elf (build/workloads/micro). */
static char *micro_path(const char *name)
{
	char self[4096], *slash, *path;
	ssize_t n;

	if (strchr(name, '/'))
		return strdup(name);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return NULL;
	self[n] = 0;
	slash = strrchr(self, '/');
	if (slash)
		*slash = 0;
	if (asprintf(&path, "%s/../workloads/micro/%s.elf", self, name) < 0)
		return NULL;
	return path;
}

enum {
	OPT_KERNEL = 256, OPT_INITRD, OPT_CMDLINE, OPT_MULTIBOOT, OPT_GUEST, OPT_CPUS,
	OPT_MEM, OPT_BACKING, OPT_PREFAULT, OPT_KSM, OPT_NUMA, OPT_GPS, OPT_PIN,
	OPT_CGROUP, OPT_DISK, OPT_NET, OPT_BALLOON, OPT_VFIO, OPT_API, OPT_STATS,
	OPT_SERIAL, OPT_QUIET, OPT_TIMEOUT,
};

static const struct option run_opts[] = {
	{ "kernel", required_argument, 0, OPT_KERNEL },
	{ "initrd", required_argument, 0, OPT_INITRD },
	{ "cmdline", required_argument, 0, OPT_CMDLINE },
	{ "multiboot", required_argument, 0, OPT_MULTIBOOT },
	{ "guest", required_argument, 0, OPT_GUEST },
	{ "cpus", required_argument, 0, OPT_CPUS },
	{ "mem", required_argument, 0, OPT_MEM },
	{ "mem-backing", required_argument, 0, OPT_BACKING },
	{ "prefault", no_argument, 0, OPT_PREFAULT },
	{ "ksm", required_argument, 0, OPT_KSM },
	{ "numa-node", required_argument, 0, OPT_NUMA },
	{ "guest-page-size", required_argument, 0, OPT_GPS },
	{ "pin", required_argument, 0, OPT_PIN },
	{ "cgroup", required_argument, 0, OPT_CGROUP },
	{ "disk", required_argument, 0, OPT_DISK },
	{ "net", required_argument, 0, OPT_NET },
	{ "balloon", required_argument, 0, OPT_BALLOON },
	{ "vfio", required_argument, 0, OPT_VFIO },
	{ "api", required_argument, 0, OPT_API },
	{ "stats-json", required_argument, 0, OPT_STATS },
	{ "serial", required_argument, 0, OPT_SERIAL },
	{ "quiet", no_argument, 0, OPT_QUIET },
	{ "timeout", required_argument, 0, OPT_TIMEOUT },
	{ 0, 0, 0, 0 },
};

static int parse_backing(const char *s, enum mem_backing *b)
{
	static const char *names[] = { "anon", "thp", "hugetlb-2m", "hugetlb-1g" };

	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*b = (enum mem_backing)i;
			return 0;
		}
	return -1;
}

static char *join_args(int argc, char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	if (!s)
		return NULL;
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int parse_one(int c, const char *arg, struct hv_config *cfg, char *err,
		     size_t errlen)
{
	switch (c) {
	case OPT_KERNEL: cfg->kernel = arg; break;
	case OPT_INITRD: cfg->initrd = arg; break;
	case OPT_CMDLINE: cfg->cmdline = arg; break;
	case OPT_MULTIBOOT: cfg->multiboot = arg; break;
	case OPT_GUEST:
		if (strncmp(arg, "micro:", 6) || !arg[6])
			FAIL("--guest %s: expected micro:WORKLOAD", arg);
		free((char *)cfg->micro);
		cfg->micro = micro_path(arg + 6);
		if (!cfg->micro)
			FAIL("--guest %s: cannot resolve the workload path", arg);
		break;
	case OPT_CPUS:
		if (parse_int(arg, 1, HV_MAX_VCPUS, &cfg->cpus))
			FAIL("--cpus %s: expected a number of vCPUs from 1 to %d", arg, HV_MAX_VCPUS);
		break;
	case OPT_MEM:
		if (cli_parse_size(arg, &cfg->mem_size))
			FAIL("--mem %s: expected a size such as 512M or 2G", arg);
		break;
	case OPT_BACKING:
		if (parse_backing(arg, &cfg->backing))
			FAIL("--mem-backing %s: expected anon, thp, hugetlb-2m or hugetlb-1g", arg);
		break;
	case OPT_PREFAULT: cfg->prefault = true; break;
	case OPT_KSM:
		if (strcmp(arg, "on") && strcmp(arg, "off"))
			FAIL("--ksm %s: expected on or off", arg);
		cfg->ksm = !strcmp(arg, "on");
		break;
	case OPT_NUMA:
		if (parse_int(arg, 0, 1023, &cfg->numa_node))
			FAIL("--numa-node %s: expected a node number", arg);
		break;
	case OPT_GPS:
		if (!strcmp(arg, "4k")) cfg->guest_page_size = 4096;
		else if (!strcmp(arg, "2m")) cfg->guest_page_size = 2u << 20;
		else if (!strcmp(arg, "1g")) cfg->guest_page_size = 1u << 30;
		else FAIL("--guest-page-size %s: expected 4k, 2m or 1g", arg);
		break;
	case OPT_PIN:
		if (placement_parse(arg, &cfg->pin, err, errlen))
			return -1;
		break;
	case OPT_CGROUP: cfg->cgroup = arg; break;
	case OPT_DISK:
		if (cfg->nr_disks == HV_MAX_DISKS)
			FAIL("--disk: at most %d disks", HV_MAX_DISKS);
		cfg->disks[cfg->nr_disks++] = arg;
		break;
	case OPT_NET:
		if (cfg->nr_nets == HV_MAX_NETS)
			FAIL("--net: at most %d network devices", HV_MAX_NETS);
		cfg->nets[cfg->nr_nets++] = arg;
		break;
	case OPT_BALLOON: cfg->balloon = arg; break;
	case OPT_VFIO: cfg->vfio = arg; break;
	case OPT_API: cfg->api_socket = arg; break;
	case OPT_STATS: cfg->stats_json = arg; break;
	case OPT_SERIAL: cfg->serial_out = arg; break;
	case OPT_QUIET: cfg->quiet = true; break;
	case OPT_TIMEOUT: {
		char *end;

		cfg->timeout_s = strtod(arg, &end);
		if (end == arg || *end || cfg->timeout_s <= 0)
			FAIL("--timeout %s: expected a positive number of seconds", arg);
		break;
	}
	default:
		FAIL("unknown option (see hv run --help)");
	}
	return 0;
}

int cli_parse_run(int argc, char **argv, struct hv_config *cfg, char *err,
		  size_t errlen)
{
	int c, nboot;

	memset(cfg, 0, sizeof(*cfg));
	cfg->cpus = 1;
	cfg->mem_size = 256ULL << 20;
	cfg->numa_node = -1;
	cfg->guest_page_size = 4096;
	cfg->pin.io_cpu = -1;
	for (int i = 0; i < HV_MAX_VCPUS; i++)
		cfg->pin.vcpu_cpu[i] = -1;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", run_opts, NULL)) != -1) {
		if (c == 'h') {
			cli_usage();
			exit(0);
		}
		if (c == '?') {
			if (optopt)
				FAIL("option needs a value or is unknown: %s", argv[optind - 1]);
			FAIL("unknown option: %s (see hv run --help)", argv[optind - 1]);
		}
		if (c == ':')
			FAIL("option %s needs a value", argv[optind - 1]);
		if (parse_one(c, optarg, cfg, err, errlen))
			return -1;
	}
	if (optind < argc) {
		cfg->micro_args = join_args(argc - optind, argv + optind);
		cfg->owns_args = true;
	}
	nboot = !!cfg->kernel + !!cfg->multiboot + !!cfg->micro;
	if (nboot != 1)
		FAIL("give exactly one of --kernel, --multiboot or --guest micro:NAME");
	if (cfg->initrd && cfg->micro)
		FAIL("--initrd does not apply to micro-guests");
	if (cfg->multiboot && cfg->initrd)
		cfg->mb_module = cfg->initrd;
	if (cfg->guest_page_size != 4096 && !cfg->micro)
		FAIL("--guest-page-size applies to micro-guests only");
	/* the IOMMU keeps every page of guest RAM pinned for the device's DMA:
	 * a ballooned page would not go back to the host, and one the guest
	 * touched again could be a new page the device no longer sees */
	if (cfg->vfio && cfg->balloon)
		FAIL("--balloon cannot be combined with --vfio: passthrough pins all guest RAM");
	for (int i = cfg->cpus; i < HV_MAX_VCPUS; i++)
		if (cfg->pin.vcpu_cpu[i] >= 0)
			FAIL("--pin names vcpu%d but the VM has %d vCPU(s)", i, cfg->cpus);
	return 0;
}

void cli_free(struct hv_config *cfg)
{
	free((char *)cfg->micro);
	if (cfg->owns_args)
		free((char *)cfg->micro_args);
	cfg->micro = NULL;
	cfg->micro_args = NULL;
}

void cli_usage(void)
{
	printf(
"usage: hv run (--kernel BZIMAGE [--initrd FILE] | --multiboot ELF [--initrd MODULE]\n"
"              | --guest micro:WORKLOAD) [options] [-- GUEST ARGS]\n"
"       hv info [--json]\n"
"       hv ctl SOCKET JSON   (one request to a running hv's --api socket)\n"
"\n"
"boot:     --kernel F --initrd F --cmdline S --multiboot F --guest micro:NAME\n"
"machine:  --cpus N (1)  --mem SIZE (256M)\n"
"memory:   --mem-backing anon|thp|hugetlb-2m|hugetlb-1g (anon)  --prefault\n"
"          --ksm on|off (off)  --numa-node N  --guest-page-size 4k|2m|1g (micro)\n"
"cpu:      --pin auto|vcpu0=CPU,...,io=CPU   --cgroup NAME[,mem=SIZE][,swap=SIZE]\n"
"devices:  --disk FILE[,ro][,backend=sync|io_uring][,cache=host|direct] (repeat)\n"
"          --net tap=NAME[,mac=MAC][,vhost=on]  --balloon SPEC  --vfio BDF\n"
"control:  --api SOCKET  --stats-json FILE|-  --serial FILE  --timeout SECONDS  --quiet\n");
}
