/* Host side of virtio-net: the --net spec, the tap device, the vhost-net
 * check (the vhost data path is net_vhost.c). */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hv/virtio/net.h"

int virtio_net_parse_spec(const char *spec, int index, struct net_opts *o,
			  char *err, size_t errlen)
{
	char buf[256], *save = NULL, *item;

	memset(o, 0, sizeof(*o));
	/* 52:54:00 is the customary locally administered VM prefix */
	memcpy(o->mac, (uint8_t[]){ 0x52, 0x54, 0x00, 0x12, 0x34, (uint8_t)(0x56 + index) }, 6);
	if (!spec || strlen(spec) >= sizeof(buf))
		goto bad;
	strcpy(buf, spec);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		unsigned m[6];
		char tail;

		if (!strncmp(item, "tap=", 4) && item[4] && strlen(item + 4) < sizeof(o->tap))
			strcpy(o->tap, item + 4);
		else if (!strncmp(item, "mac=", 4) &&
			 sscanf(item + 4, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2],
				&m[3], &m[4], &m[5], &tail) == 6 && !(m[0] & 1)) {
			for (int i = 0; i < 6; i++)
				o->mac[i] = (uint8_t)m[i];
		} else if (!strcmp(item, "vhost=on"))
			o->vhost = true;
		else if (!strcmp(item, "vhost=off"))
			o->vhost = false;
		else
			goto bad;
	}
	if (o->tap[0])
		return 0;
bad:
	snprintf(err, errlen, "--net %s: expected tap=NAME[,mac=XX:XX:XX:XX:XX:XX (unicast)]"
		 "[,vhost=on|off]", spec ? spec : "");
	return -1;
}

int virtio_net_tap_open(const struct net_opts *o, char *err, size_t errlen)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int hdr = VIRTIO_NET_HDR_LEN;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		snprintf(err, errlen, "--net tap=%s: /dev/net/tun: %s", o->tap, strerror(errno));
		return -1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->tap);
	if (ioctl(fd, TUNSETIFF, &ifr) || ioctl(fd, TUNSETVNETHDRSZ, &hdr) ||
	    ioctl(fd, TUNSETOFFLOAD, 0)) {
		snprintf(err, errlen, "--net tap=%s: TUNSETIFF/TUNSETVNETHDRSZ: %s "
			 "(create it with ci/netns.sh, or run as root)", o->tap, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int virtio_net_vhost_check(char *err, size_t errlen)
{
	if (access("/dev/vhost-net", F_OK)) {
		snprintf(err, errlen, "--net vhost=on: vhost-net is not available on this host: "
			 "/dev/vhost-net missing (module not loaded or not built)");
		return -1;
	}
	return 0;
}
