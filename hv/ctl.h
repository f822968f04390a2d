/* `hv ctl`: the control-socket client (hv/ctl.c). */
#ifndef HV_CTL_H
#define HV_CTL_H

/* argv[0] = "ctl", argv[1] = socket path, argv[2] = one JSON request.
 * Returns the process exit status: 0 ok, 1 error reply, 2 no connection. */
int cmd_ctl(int argc, char **argv);
/* 1 when a reply line is not a JSON object or carries "error". */
int ctl_reply_is_error(const char *reply);

#endif
