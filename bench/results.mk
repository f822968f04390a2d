# bench/: the version string recorded in results.json run.hvperf_version.
HVPERF_GIT_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(BUILD)/obj/bench/results.o $(BUILD)/asan/obj/bench/results.o: CFLAGS += -DHVPERF_VERSION='"$(HVPERF_GIT_VERSION)"'
