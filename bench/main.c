/* hvperf: the harness, tuners and reports behind one command. */
#include <stdio.h>
#include <string.h>

#include "bench/command.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: hvperf COMMAND [ARGS]\n\ncommands:\n");
	for (const struct hvperf_command *c = hvperf_command_list(); c; c = c->next)
		fprintf(f, "  %-10s %s\n             %s\n", c->name, c->usage, c->summary);
}

int main(int argc, char **argv)
{
	const struct hvperf_command *cmd;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	cmd = hvperf_command_find(argv[1]);
	if (!cmd) {
		fprintf(stderr, "hvperf: unknown command '%s' (try hvperf --help)\n", argv[1]);
		return 2;
	}
	if (hvperf_run_startup_hooks())
		return 1;
	return cmd->fn(argc - 1, argv + 1);
}
