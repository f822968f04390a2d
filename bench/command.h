/* hvperf subcommands register themselves, so adding a command never edits
 * a central list:
 *
 *     static int cmd_report(int argc, char **argv) { ... }
 *     HVPERF_COMMAND("report", cmd_report, "RESULTS [--format html|md|txt]",
 *                    "write a report from results.json");
 *
 * argv[0] is the command name. Return the process exit status. */
#ifndef BENCH_COMMAND_H
#define BENCH_COMMAND_H

struct hvperf_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *summary;
	struct hvperf_command *next;
};

void hvperf_command_register(struct hvperf_command *c);
const struct hvperf_command *hvperf_command_find(const char *name);
const struct hvperf_command *hvperf_command_list(void);

#define HVPERF_COMMAND(cname, cfn, cusage, csummary)                           \
	static struct hvperf_command cfn##_command = {                         \
		.name = cname, .fn = cfn, .usage = cusage, .summary = csummary}; \
	__attribute__((constructor)) static void cfn##_register(void)          \
	{                                                                      \
		hvperf_command_register(&cfn##_command);                       \
	}

/* Hooks run before every command (e.g. the tuner journal replay after a
 * crash). Registered the same way; run in registration order. */
struct hvperf_startup_hook {
	const char *name;
	int (*fn)(void);   /* non-zero: print why and abort the command */
	struct hvperf_startup_hook *next;
};
void hvperf_startup_hook_register(struct hvperf_startup_hook *h);
int hvperf_run_startup_hooks(void);

#define HVPERF_STARTUP_HOOK(hfn)                                               \
	static struct hvperf_startup_hook hfn##_hook = {.name = #hfn, .fn = hfn}; \
	__attribute__((constructor)) static void hfn##_hook_register(void)     \
	{                                                                      \
		hvperf_startup_hook_register(&hfn##_hook);                     \
	}

#endif
