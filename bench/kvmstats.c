/* Exit counts by reason from hv's stats JSON. */
#include "bench/kvmstats.h"

#include <string.h>

/* Per-vCPU counters worth keeping besides the *_exits family
 * (Documentation/virt/kvm/api.rst, "KVM_GET_STATS_FD"; x86 names). */
static const char *const kvmstats_extra[] = {
	"pf_taken", "pf_fixed", "pf_guest", "pf_mmio_spte_created",
	"insn_emulation", "insn_emulation_fail", "tlb_flush", "invlpg",
	"hypercalls", "irq_injections", "halt_wakeup", "host_state_reload",
};

static int kvmstats__wanted(const char *name)
{
	size_t n = strlen(name);

	if (!strcmp(name, "exits") || (n > 6 && !strcmp(name + n - 6, "_exits")))
		return 1;
	for (size_t i = 0; i < sizeof(kvmstats_extra) / sizeof(kvmstats_extra[0]); i++)
		if (!strcmp(name, kvmstats_extra[i]))
			return 1;
	return 0;
}

static void kvmstats__add(json_t *out, const char *name, json_int_t v)
{
	json_t *cur = json_object_get(out, name);

	json_object_set_new(out, name, json_integer(v + (cur ? json_integer_value(cur) : 0)));
}

json_t *kvmstats_extract(json_t *stats)
{
	json_t *kvm = json_object_get(stats, "kvm"), *vcpus, *vc, *v, *out;
	const char *name;
	size_t i;

	if (!json_is_object(stats) || !json_is_object(kvm))
		return NULL;
	out = json_object();
	vcpus = json_object_get(kvm, "vcpus");
	json_array_foreach(vcpus, i, vc)
		json_object_foreach(vc, name, v)
			if (json_is_integer(v) && kvmstats__wanted(name))
				kvmstats__add(out, name, json_integer_value(v));
	/* exits hv itself handled (userspace), by kind */
	json_object_foreach(json_object_get(stats, "exits"), name, v) {
		char key[96];

		if (!json_is_integer(v))
			continue;
		snprintf(key, sizeof(key), "vmm_%s_exits", name);
		json_object_set_new(out, key, json_incref(v));
	}
	if (!json_is_true(json_object_get(kvm, "available"))) {
		v = json_object_get(kvm, "reason");
		json_object_set_new(out, "unavailable",
				    json_string(json_is_string(v) ? json_string_value(v)
						: "hv reported no KVM binary stats"));
	}
	return out;
}
