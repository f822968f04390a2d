/* Transparent hugepages: thp.enabled and thp.defrag. */
#include "tuners/knob.h"

#define THP_DIR "/sys/kernel/mm/transparent_hugepage/"

const struct tuner_knob tuner_thp_knobs[] = {
	{.key = "thp.enabled", .path = THP_DIR "enabled",
	 .help = "THP mode (always|madvise|never)",
	 .validate = knob_validate_choice},
	{.key = "thp.defrag", .path = THP_DIR "defrag",
	 .help = "THP fault-time compaction (always|defer|defer+madvise|madvise|never)",
	 .validate = knob_validate_choice},
	{0},
};
