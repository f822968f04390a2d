/* hvperf tune: set, show and restore host knobs.
 *
 *   hvperf tune --set K=V [K=V ...]              apply and keep (held)
 *   hvperf tune --set K=V [K=V ...] -- CMD ARGS  apply, run CMD, restore
 *   hvperf tune --restore                        put back everything journaled
 *   hvperf tune --show [--json]                  current values + journal */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/command.h"
#include "tuners/journal.h"
#include "tuners/knob.h"
#include "tuners/tuner.h"

static int tune_show(bool as_json)
{
	json_t *st = tuner_state_json(), *keys = json_object_get(st, "keys");
	json_t *jr = json_object_get(st, "journal"), *pending, *v;
	const char *key;
	size_t i;

	if (as_json) {
		json_dumpf(st, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(st);
		return 0;
	}
	printf("%-24s %s\n", "KEY", "CURRENT");
	json_object_foreach(keys, key, v) {
		json_t *val = json_object_get(v, "value");

		printf("%-24s %s\n", key, json_is_string(val) ? json_string_value(val) :
		       json_string_value(json_object_get(v, "reason")));
	}
	pending = json_object_get(jr, "pending");
	printf("\njournal %s: ", json_string_value(json_object_get(jr, "path")));
	if (json_object_get(jr, "error"))
		printf("%s\n", json_string_value(json_object_get(jr, "error")));
	else if (!json_array_size(pending))
		printf("nothing to restore\n");
	else
		printf("%zu change(s) to restore, newest first:\n", json_array_size(pending));
	json_array_foreach(pending, i, v)
		printf("  %-22s -> %-12s %s (%s, owner %s)\n",
		       json_string_value(json_object_get(v, "key")),
		       json_string_value(json_object_get(v, "restore_to")),
		       json_string_value(json_object_get(v, "path")),
		       json_string_value(json_object_get(v, "state")),
		       json_string_value(json_object_get(v, "owner")));
	if (json_integer_value(json_object_get(jr, "ignored_records")))
		printf("  (%lld torn or corrupt record(s) ignored)\n",
		       json_integer_value(json_object_get(jr, "ignored_records")));
	json_decref(st);
	return 0;
}

static int tune_run_child(char **argv)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();

	if (pid < 0) {
		perror("hvperf tune: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "hvperf tune: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	tuner_set_signal_child(pid);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	tuner_set_signal_child(0);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static int tune_set(int nset, char **sets, char **cmd)
{
	char err[512];
	int rc;

	if (geteuid() != 0)
		fprintf(stderr, "hvperf tune: warning: not root; host knobs are usually root-only\n");
	tuner_install_restore_handlers();
	/* validate everything before changing anything */
	for (int i = 0; i < nset; i++) {
		char *eq = strchr(sets[i], '=');

		if (!eq) {
			fprintf(stderr, "hvperf tune: '%s' is not KEY=VALUE\n", sets[i]);
			return 2;
		}
		*eq = 0;
		rc = tuner_validate(sets[i], eq + 1, err, sizeof(err));
		*eq = '=';
		if (rc < 0) {
			fprintf(stderr, "hvperf tune: %s\n", err);
			return 2;
		}
	}
	for (int i = 0; i < nset; i++) {
		char *eq = strchr(sets[i], '=');

		*eq = 0;
		rc = tuner_apply(sets[i], eq + 1, err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "hvperf tune: %s; restoring what was changed\n", err);
			tuner_restore_all();
			return 1;
		}
		printf("%s=%s\n", sets[i], eq + 1);
		*eq = '=';
	}
	if (cmd)
		return tune_run_child(cmd);  /* atexit restores */
	if (tuner_hold(err, sizeof(err)) < 0) {
		fprintf(stderr, "hvperf tune: %s; restoring\n", err);
		tuner_restore_all();
		return 1;
	}
	printf("kept; `hvperf tune --restore` puts the previous values back\n");
	return 0;
}

static int cmd_tune(int argc, char **argv)
{
	char **sets = calloc(argc, sizeof(*sets)), **cmd = NULL;
	int nset = 0, mode = 0, rc;
	bool as_json = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--set") && i + 1 < argc) {
			mode = mode ? mode : 's';
			while (i + 1 < argc && strncmp(argv[i + 1], "--", 2))
				sets[nset++] = argv[++i];
		} else if (!strcmp(argv[i], "--restore") || !strcmp(argv[i], "--show")) {
			mode = argv[i][3] == 'e' ? 'r' : 'S';  /* --restore, --show */
		} else if (!strcmp(argv[i], "--json")) {
			as_json = true;
		} else if (!strcmp(argv[i], "--") && i + 1 < argc) {
			cmd = argv + i + 1;
			break;
		} else {
			fprintf(stderr, "hvperf tune: unexpected argument '%s'\n", argv[i]);
			free(sets);
			return 2;
		}
	}
	if (!mode || (mode == 's' && !nset) || (cmd && mode != 's')) {
		fprintf(stderr, "usage: hvperf tune --set KEY=VALUE... [-- COMMAND...] | --restore | --show [--json]\n");
		free(sets);
		return 2;
	}
	if (mode == 's')
		rc = tune_set(nset, sets, cmd);
	else if (mode == 'r')
		rc = tuner_restore_held() < 0;
	else
		rc = tune_show(as_json);
	free(sets);
	return rc;
}
HVPERF_COMMAND("tune", cmd_tune,
	       "--set KEY=VALUE... [-- CMD...] | --restore | --show [--json]",
	       "change host knobs (journaled, always restorable) or show them")
