/* The Linux guest's side of a run: the kernel command line that asks the
 * guest's /init for one workload (workloads/guest/init: hvperf.wl=NAME
 * hvperf.args=A1,A2 with %XX escapes), the exit-status marker it prints,
 * and the scratch disk images that the `disk` knob can ask for. */
#ifndef BENCH_GUESTCMD_H
#define BENCH_GUESTCMD_H

#include <jansson.h>
#include <stddef.h>

/* Base command line of every Linux guest run; $HVPERF_GUEST_APPEND is
 * added after it (e.g. tsc_early_khz=... in the test box). */
#define GUESTCMD_BASE "console=ttyS0 loglevel=4 tsc=reliable no_timer_check reboot=t panic=-1"

/* Escape one argument for hvperf.args: every byte outside
 * [A-Za-z0-9._=:/+@-] becomes %XX. -1 when it does not fit. */
int guestcmd_escape(const char *arg, char *buf, size_t len);

/* GUESTCMD_BASE [append] hvperf.env=ENV hvperf.wl=NAME [hvperf.args=...].
 * ENV is the configuration's env ("linux" under hv, "qemu" under QEMU):
 * /init exports it as HVPERF_ENV, which the workloads report as their env.
 * -1 when it does not fit (the kernel takes 2048 bytes). */
int guestcmd_cmdline(const char *env, const char *name, json_t *args, char *buf,
		     size_t len);

/* The status the guest printed for workload NAME
 * ("HVPERF-GUEST: wl NAME exit=RC"), or -1 when it never did. */
int guestcmd_status(const char *out, const char *name);

/* `disk` knob value "scratch:SIZE[,hv disk options]": create (once per
 * run directory) DIR/.scratch-SIZE.img of SIZE bytes, written with zeros
 * so that reads hit allocated blocks, and put "PATH[,options]" in buf.
 * Any other value is copied. -1 with err on failure. */
int guestcmd_disk(const char *value, const char *dir, char *buf, size_t len,
		  char *err, size_t errlen);
/* Remove the scratch images of a run directory. */
void guestcmd_disk_cleanup(const char *dir);

#endif
