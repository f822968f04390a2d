/* What the host must have before a device can be passed through, checked
 * in the order an administrator would fix it, each failure one line that
 * says what to do: the host has an IOMMU, the device exists, the device is
 * in an IOMMU group, it is bound to vfio-pci, /dev/vfio exists. */
#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv/pci/vfio_host.h"

#define SYS_PCI_DEVICES "/sys/bus/pci/devices"

int vfio_parse_bdf(const char *s, char *out, size_t outlen)
{
	unsigned dom = 0, bus, dev, fn;
	int n = 0;

	/* sscanf's %x would also take signs and blanks ("-1:00.0") */
	if (!s || strlen(s) > 16 || s[strspn(s, "0123456789abcdefABCDEF:.")])
		return -1;
	if (sscanf(s, "%4x:%2x:%2x.%1x%n", &dom, &bus, &dev, &fn, &n) == 4 && !s[n])
		;
	else if (n = 0, dom = 0, sscanf(s, "%2x:%2x.%1x%n", &bus, &dev, &fn, &n) == 3 && !s[n])
		;
	else
		return -1;
	if (dev > 0x1f || fn > 7)
		return -1;
	snprintf(out, outlen, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return 0;
}

static bool dir_has_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool any = false;

	if (!d)
		return false;
	while (!any && (e = readdir(d)))
		any = e->d_name[0] != '.';
	closedir(d);
	return any;
}

/* basename of the symlink's target, or "" */
static void link_name(const char *path, char *out, size_t outlen)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	const char *base;

	out[0] = '\0';
	if (n <= 0)
		return;
	buf[n] = '\0';
	base = strrchr(buf, '/');
	base = base ? base + 1 : buf;
	if (strlen(base) < outlen)
		memcpy(out, base, strlen(base) + 1);
}

int vfio_host_check(const char *bdf, int *group, char *err, size_t errlen)
{
	char path[PATH_MAX], name[NAME_MAX + 1];
	char *end;
	long g;

	if (!dir_has_entries("/sys/kernel/iommu_groups")) {
		snprintf(err, errlen, "VFIO passthrough needs an IOMMU: /sys/kernel/iommu_groups is "
			 "empty on this host");
		return -1;
	}
	snprintf(path, sizeof(path), SYS_PCI_DEVICES "/%s", bdf);
	if (access(path, F_OK)) {
		snprintf(err, errlen, "there is no PCI device %s on this host (lspci -D lists them)", bdf);
		return -1;
	}
	snprintf(path, sizeof(path), SYS_PCI_DEVICES "/%s/iommu_group", bdf);
	link_name(path, name, sizeof(name));
	g = strtol(name, &end, 10);
	if (!name[0] || *end || g < 0) {
		snprintf(err, errlen, "%s is in no IOMMU group (is the IOMMU on for it?)", bdf);
		return -1;
	}
	snprintf(path, sizeof(path), SYS_PCI_DEVICES "/%s/driver", bdf);
	link_name(path, name, sizeof(name));
	if (strcmp(name, "vfio-pci")) {
		snprintf(err, errlen, "%s is bound to %s, not vfio-pci (echo vfio-pci > "
			 SYS_PCI_DEVICES "/%s/driver_override, unbind it, then echo %s > "
			 "/sys/bus/pci/drivers_probe)", bdf, name[0] ? name : "no driver", bdf, bdf);
		return -1;
	}
	if (access("/dev/vfio/vfio", F_OK)) {
		snprintf(err, errlen, "/dev/vfio/vfio is missing (load the vfio-pci module)");
		return -1;
	}
	*group = (int)g;
	return 0;
}
