# hvperf: one Makefile drives everything.
#
#   make            build build/bin/hv, build/bin/hvperf and the workloads
#   make guest      build the Linux guest image (build/guest/vmlinuz, initrd.img)
#   make test       every unit test (ASan+UBSan) and every integration test
#   make run        install what is missing, build, run the default study
#   make fuzz       run the fuzz targets for a bounded time
#
# Sources are discovered by folder, so adding a file never edits this list:
#   hv/**.c                     -> build/bin/hv            (main: hv/main.c)
#   bench/ tuners/ reports/ .c  -> build/bin/hvperf        (main: bench/main.c)
#   tests/unit/test_*.c         -> build/asan/tests/test_* (cmocka, sanitized)
# Folder-specific rules live in fragments included below.

CC      ?= cc
BUILD   := build
CFLAGS  := -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE \
           -fno-strict-aliasing -I. -MMD -MP $(EXTRA_CFLAGS)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
            -fno-omit-frame-pointer
LIBS    := -ljansson -lpfm -lhwloc -luring -lpthread -lm

HV_SRCS     := $(shell find hv -name '*.c' | sort)
HVPERF_SRCS := $(shell find bench tuners reports -name '*.c' 2>/dev/null | sort)
HV_LIB_SRCS     := $(filter-out hv/main.c,$(HV_SRCS))
HVPERF_LIB_SRCS := $(filter-out bench/main.c,$(HVPERF_SRCS))
UNIT_SRCS   := $(sort $(wildcard tests/unit/test_*.c))

obj = $(patsubst %.c,$(1)/obj/%.o,$(2))

HV_OBJS         := $(call obj,$(BUILD),$(HV_SRCS))
HVPERF_OBJS     := $(call obj,$(BUILD),$(HVPERF_SRCS))
ASAN_LIB_OBJS   := $(call obj,$(BUILD)/asan,$(HV_LIB_SRCS) $(HVPERF_LIB_SRCS))
UNIT_BINS       := $(patsubst tests/unit/%.c,$(BUILD)/asan/tests/%,$(UNIT_SRCS))

.PHONY: all test unit integration run guest fuzz clean deps bench
all: $(BUILD)/bin/hv $(BUILD)/bin/hvperf

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/asan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) -c $< -o $@

# Main programs link objects directly (not archives) so that devices and
# commands that register themselves through constructors are kept.
$(BUILD)/bin/hv: $(HV_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/bin/hvperf: $(HVPERF_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/asan/lib.a: $(ASAN_LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/asan/tests/%: tests/unit/%.c $(BUILD)/asan/lib.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $< $(BUILD)/asan/lib.a -lcmocka $(LIBS)

# Folder fragments: workloads (host and micro-guest builds), the Linux guest
# image, benchmarks, fuzz targets.
-include $(wildcard workloads/*.mk workloads/*/*.mk bench/*.mk ci/*.mk tests/*.mk)

deps:
	@bash ci/deps.sh

unit: $(UNIT_BINS)
	@bash tests/run-unit.sh $(UNIT_BINS)

integration: all $(INTEGRATION_PREREQS)
	@bash tests/run-integration.sh

# make test = every unit test under ASan/UBSan, then every integration test.
test: deps
	@$(MAKE) --no-print-directory all $(UNIT_BINS) $(INTEGRATION_PREREQS)
	@bash tests/run-all.sh $(UNIT_BINS)

run: deps
	@$(MAKE) --no-print-directory all $(RUN_PREREQS)
	@bash ci/run-default-study.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj $(BUILD)/asan/obj -type f -name '*.d' 2>/dev/null)
