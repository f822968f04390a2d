# bench/: the version string recorded in results.json run.hvperf_version.
# results.o is rebuilt whenever `git describe` changes (a stamp file holds
# the last value), so a report never shows a stale version.
HVPERF_GIT_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(BUILD)/version.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(HVPERF_GIT_VERSION)' | cmp -s - $@ || echo '$(HVPERF_GIT_VERSION)' >$@
.PHONY: FORCE
$(BUILD)/obj/bench/results.o $(BUILD)/asan/obj/bench/results.o: $(BUILD)/version.stamp
$(BUILD)/obj/bench/results.o $(BUILD)/asan/obj/bench/results.o: CFLAGS += -DHVPERF_VERSION='"$(HVPERF_GIT_VERSION)"'
