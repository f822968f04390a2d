/* tuner_state_json: what every key is now, and what the journal would put
 * back (hvperf tune --show). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tuners/journal.h"
#include "tuners/knob.h"
#include "tuners/tuner.h"

static json_t *tuner_state_keys(void)
{
	json_t *keys = json_object();
	const struct tuner_knob *k;

	for (int i = 0; (k = tuner_knob_at(i)); i++) {
		char *v = tuner_get(k->key);
		json_t *o = json_pack("{s:s}", "help", k->help);

		if (v) {
			json_object_set_new(o, "value", json_string(v));
		} else {
			json_object_set_new(o, "value", json_null());
			json_object_set_new(o, "reason", json_string("not present on this host"));
		}
		if (k->path)
			json_object_set_new(o, "path", json_string(k->path));
		json_object_set_new(keys, k->key, o);
		free(v);
	}
	return keys;
}

static const char *owner_state_name(const struct journal *j, const char *owner)
{
	switch (journal_owner_state(j, owner)) {
	case JOURNAL_HELD:
		return "held";      /* hvperf tune --set: until tune --restore */
	case JOURNAL_DONE:
		return "done";
	default:
		return journal_owner_alive(owner) ? "running" : "crashed";
	}
}

static json_t *tuner_state_journal(void)
{
	json_t *o = json_pack("{s:s}", "path", journal_path()), *pending = json_array();
	struct journal j;
	char err[256];

	if (journal_load(&j, err, sizeof(err)) < 0) {
		json_object_set_new(o, "error", json_string(err));
		json_object_set_new(o, "pending", pending);
		return o;
	}
	/* newest first: the order a restore would take */
	for (int i = j.nr - 1; i >= 0; i--) {
		const struct journal_rec *r = &j.recs[i];
		const char *st = owner_state_name(&j, r->owner);

		if (strcmp(r->op, "set") || !strcmp(st, "done"))
			continue;
		json_array_append_new(pending, json_pack("{s:s, s:s, s:s, s:s, s:s}",
			"key", r->key, "path", r->path, "restore_to", r->prev,
			"owner", r->owner, "state", st));
	}
	json_object_set_new(o, "pending", pending);
	json_object_set_new(o, "ignored_records", json_integer(j.nr_bad));
	journal_free(&j);
	return o;
}

json_t *tuner_state_json(void)
{
	return json_pack("{s:o, s:o}", "keys", tuner_state_keys(),
			 "journal", tuner_state_journal());
}
