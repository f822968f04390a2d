/* hv --disk options -> QEMU -drive/-device (bench/qemudisk.h). */
#include "bench/qemudisk.h"

#include <stdio.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wformat-truncation"

/* hv's limit on the serial (VIRTIO_BLK_ID_BYTES, virtio 1.x §5.2.6) */
#define QEMUDISK_SERIAL_MAX 20

int qemudisk_args(const char *spec, int idx, char *drive, size_t dlen,
		  char *dev, size_t devlen, char *err, size_t errlen)
{
	const char *cache = "writeback", *aio = "threads", *item;
	char file[1024], serial[QEMUDISK_SERIAL_MAX + 1];
	size_t n = strcspn(spec, ","), o = 0;
	int ro = 0;

	if (!n) {
		snprintf(err, errlen, "disk '%s': missing file name", spec);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (o + 3 >= sizeof(file)) {
			snprintf(err, errlen, "disk '%s': file name too long", spec);
			return -1;
		}
		file[o++] = spec[i];
		if (spec[i] == ',')
			file[o++] = ',';
	}
	file[o] = 0;
	snprintf(serial, sizeof(serial), "hvperf-disk%d", idx);
	for (item = spec + n; *item == ','; item += n) {
		item++;
		n = strcspn(item, ",");
		if (n == 2 && !strncmp(item, "ro", n))
			ro = 1;
		else if (n == 12 && !strncmp(item, "backend=sync", n))
			aio = "threads";
		else if (n == 16 && !strncmp(item, "backend=io_uring", n))
			aio = "io_uring";
		else if (n == 10 && !strncmp(item, "cache=host", n))
			cache = "writeback";
		else if (n == 12 && !strncmp(item, "cache=direct", n))
			cache = "none";
		else if (n > 7 && n <= 7 + QEMUDISK_SERIAL_MAX && !strncmp(item, "serial=", 7))
			snprintf(serial, sizeof(serial), "%.*s", (int)(n - 7), item + 7);
		else {
			snprintf(err, errlen, "disk '%s': option '%.*s' has no QEMU equivalent "
				 "(ro, backend=sync|io_uring, cache=host|direct, serial=S)",
				 spec, (int)n, item);
			return -1;
		}
	}
	if (snprintf(drive, dlen, "file=%s,format=raw,if=none,id=hvperf-disk%d,cache=%s,aio=%s%s",
		     file, idx, cache, aio, ro ? ",readonly=on" : "") >= (int)dlen ||
	    snprintf(dev, devlen, "virtio-blk-device,drive=hvperf-disk%d,serial=%s",
		     idx, serial) >= (int)devlen) {
		snprintf(err, errlen, "disk '%s': QEMU options too long", spec);
		return -1;
	}
	return 0;
}
