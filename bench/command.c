#include "bench/command.h"

#include <string.h>

static struct hvperf_command *commands;
static struct hvperf_startup_hook *hooks, **hooks_tail = &hooks;

void hvperf_command_register(struct hvperf_command *c)
{
	/* keep the list sorted by name for the usage text */
	struct hvperf_command **p = &commands;

	while (*p && strcmp((*p)->name, c->name) < 0)
		p = &(*p)->next;
	c->next = *p;
	*p = c;
}

const struct hvperf_command *hvperf_command_find(const char *name)
{
	for (const struct hvperf_command *c = commands; c; c = c->next)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

const struct hvperf_command *hvperf_command_list(void)
{
	return commands;
}

void hvperf_startup_hook_register(struct hvperf_startup_hook *h)
{
	h->next = NULL;
	*hooks_tail = h;
	hooks_tail = &h->next;
}

int hvperf_run_startup_hooks(void)
{
	for (struct hvperf_startup_hook *h = hooks; h; h = h->next) {
		int rc = h->fn();

		if (rc)
			return rc;
	}
	return 0;
}
