/* Result-line extraction from captured stdout or guest serial output. */
#include "bench/resultline.h"

#include <stdlib.h>
#include <string.h>

int resultline_valid(json_t *o)
{
	json_t *p = json_object_get(o, "params"), *x = json_object_get(o, "extra");

	return json_is_object(o) &&
	       json_is_string(json_object_get(o, "workload")) &&
	       json_is_string(json_object_get(o, "metric")) &&
	       json_is_number(json_object_get(o, "value")) &&
	       json_is_string(json_object_get(o, "unit")) &&
	       json_is_boolean(json_object_get(o, "higher_is_better")) &&
	       (!p || json_is_object(p)) && (!x || json_is_object(x));
}

json_t *resultline_parse(const char *out)
{
	json_t *arr = json_array();
	const char *line = out;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		/* a serial console may end lines with \r */
		while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
			len--;
		if (len && line[0] == '{') {
			json_t *o = json_loadb(line, len, 0, NULL);

			if (resultline_valid(o))
				json_array_append(arr, o);
			json_decref(o);
		}
		line = nl ? nl + 1 : NULL;
	}
	return arr;
}
