/* fork, attach counters, release, exec; capture output until exit. */
#include "bench/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct exec_buf {
	char *p;
	size_t len, cap;
};

static void exec__append(struct exec_buf *b, const char *d, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
	b->p[b->len] = 0;
}

static double exec__now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void exec__child(char *const argv[], int go, int out, int errfd)
{
	char c;

	dup2(out, 1);
	dup2(errfd, 2);
	/* wait until the parent has attached the counters */
	if (read(go, &c, 1) != 1)
		_exit(126);
	execvp(argv[0], argv);
	dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int exec_run(char *const argv[], struct pmu_set *pmu, double timeout_s,
	     struct exec_result *r, char *err, size_t errlen)
{
	int go[2], out[2], er[2], wst = 0;
	struct exec_buf bo = {0}, be = {0};
	struct rusage ru;
	double start, deadline;
	pid_t pid;
	int open_fds = 2;

	memset(r, 0, sizeof(*r));
	if (pipe2(go, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(er, O_CLOEXEC)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		exec__child(argv, go[0], out[1], er[1]);
	close(go[0]);
	close(out[1]);
	close(er[1]);
	if (pmu)
		pmu_set_open(pmu, pid);
	start = exec__now();
	deadline = start + (timeout_s > 0 ? timeout_s : 1e9);
	if (write(go[1], "g", 1) != 1)
		kill(pid, SIGKILL);
	close(go[1]);
	exec__append(&bo, "", 0);
	exec__append(&be, "", 0);
	while (open_fds) {
		struct pollfd pf[2] = {{out[0], POLLIN, 0}, {er[0], POLLIN, 0}};
		double left = deadline - exec__now();
		char buf[8192];
		ssize_t n;

		if (left <= 0 && !r->timed_out) {
			r->timed_out = true;
			kill(pid, SIGKILL);
		}
		if (poll(pf, 2, left > 0 ? (int)(left * 1000) + 1 : 1000) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(pf[i].fd, buf, sizeof(buf));
			if (n > 0) {
				exec__append(i ? &be : &bo, buf, n);
			} else if (n == 0 || errno != EINTR) {
				close(pf[i].fd);
				if (i)
					er[0] = -1;
				else
					out[0] = -1;
				open_fds--;
			}
		}
	}
	if (out[0] >= 0)
		close(out[0]);
	if (er[0] >= 0)
		close(er[0]);
	while (wait4(pid, &wst, 0, &ru) < 0 && errno == EINTR)
		;
	r->wall_s = exec__now() - start;
	r->maxrss_bytes = (long long)ru.ru_maxrss * 1024;
	r->status = WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
	r->out = bo.p;
	r->err = be.p;
	return 0;
}

void exec_result_free(struct exec_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

void exec_last_line(const char *s, char *buf, size_t len)
{
	const char *end, *start;

	buf[0] = 0;
	if (!s)
		return;
	end = s + strlen(s);
	while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	start = end;
	while (start > s && start[-1] != '\n')
		start--;
	snprintf(buf, len, "%.*s", (int)(end - start), start);
}
