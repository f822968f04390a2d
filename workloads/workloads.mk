# Workloads, written once (workloads/src/NAME.c) and built twice from the
# same object file: a static host binary (build/workloads/native/NAME, with
# the native shim and glibc) and a micro-guest ELF (build/workloads/micro/
# NAME.elf, with the micro-guest runtime). See docs/microguest.md.
WL_NAMES  := $(basename $(notdir $(wildcard workloads/src/*.c)))
WL_OBJ    := $(BUILD)/workloads/obj
WL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -march=x86-64-v2 \
             -mtune=generic -mno-red-zone -ffreestanding -fno-pic -fno-pie \
             -fno-stack-protector -fcf-protection=none \
             -fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables \
             -I. -Iworkloads/include -MMD -MP
WL_SHIM_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE \
             -march=x86-64-v2 -fno-pie -Iworkloads/include -MMD -MP
WL_LIB_OBJS := $(WL_OBJ)/lib/fmt.o $(WL_OBJ)/lib/util.o
MG_OBJS     := $(WL_OBJ)/microguest/crt0.o $(WL_OBJ)/microguest/runtime.o \
               $(WL_OBJ)/microguest/libc.o
MG_LDSCRIPT := workloads/microguest/micro.ld
WL_NATIVE   := $(addprefix $(BUILD)/workloads/native/,$(WL_NAMES))
WL_MICRO    := $(addprefix $(BUILD)/workloads/micro/,$(addsuffix .elf,$(WL_NAMES)))

$(WL_OBJ)/native/shim.o: workloads/native/shim.c
	@mkdir -p $(dir $@)
	$(CC) $(WL_SHIM_CFLAGS) -c $< -o $@

$(WL_OBJ)/%.o: workloads/%.c
	@mkdir -p $(dir $@)
	$(CC) $(WL_CFLAGS) -c $< -o $@

$(WL_OBJ)/%.o: workloads/%.S
	@mkdir -p $(dir $@)
	$(CC) $(WL_CFLAGS) -c $< -o $@

$(BUILD)/workloads/native/%: $(WL_OBJ)/src/%.o $(WL_LIB_OBJS) $(WL_OBJ)/native/shim.o
	@mkdir -p $(dir $@)
	$(CC) -static -no-pie -o $@ $^

$(BUILD)/workloads/micro/%.elf: $(WL_OBJ)/src/%.o $(WL_LIB_OBJS) $(MG_OBJS) $(MG_LDSCRIPT)
	@mkdir -p $(dir $@)
	$(CC) -nostdlib -static -no-pie -Wl,-T,$(MG_LDSCRIPT) -Wl,--build-id=none \
	      -Wl,-z,noexecstack -o $@ $(filter %.o,$^) -lgcc

.PHONY: workloads
workloads: $(WL_NATIVE) $(WL_MICRO)
all: workloads

INTEGRATION_PREREQS += workloads
RUN_PREREQS += workloads

# keep the shared objects: both programs of a workload link the same one
.SECONDARY: $(WL_NAMES:%=$(WL_OBJ)/src/%.o) $(WL_LIB_OBJS) $(MG_OBJS) \
            $(WL_OBJ)/native/shim.o
