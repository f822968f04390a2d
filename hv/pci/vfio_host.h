/* Host-side checks for --vfio, before any VFIO ioctl. */
#ifndef HV_PCI_VFIO_HOST_H
#define HV_PCI_VFIO_HOST_H

#include <stddef.h>

/* "0000:01:00.0" or "01:00.0" -> "0000:01:00.0" in out. Returns 0 or -1. */
int vfio_parse_bdf(const char *s, char *out, size_t outlen);
/* 0 and the IOMMU group number, or -1 with the reason in err. */
int vfio_host_check(const char *bdf, int *group, char *err, size_t errlen);

#endif
