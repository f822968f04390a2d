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
WL_LIB_OBJS := $(patsubst workloads/lib/%.c,$(WL_OBJ)/lib/%.o,$(sort $(wildcard workloads/lib/*.c)))
# Storage back ends of wl_blk.h: virtio-blk in the micro-guest, O_DIRECT +
# io_uring natively. Archives, so only workloads that use them pull them in.
WL_NATIVE_LIB := $(WL_OBJ)/native/libwlnative.a
WL_MICRO_LIB  := $(WL_OBJ)/microguest/libwlmicro.a
MG_OBJS     := $(WL_OBJ)/microguest/crt0.o $(WL_OBJ)/microguest/runtime.o \
               $(WL_OBJ)/microguest/libc.o
MG_LDSCRIPT := workloads/microguest/micro.ld
WL_NATIVE   := $(addprefix $(BUILD)/workloads/native/,$(WL_NAMES))
WL_MICRO    := $(addprefix $(BUILD)/workloads/micro/,$(addsuffix .elf,$(WL_NAMES)))

$(WL_OBJ)/native/shim.o: workloads/native/shim.c
	@mkdir -p $(dir $@)
	$(CC) $(WL_SHIM_CFLAGS) -c $< -o $@

$(WL_OBJ)/native/blk_native.o: workloads/native/blk_native.c
	@mkdir -p $(dir $@)
	$(CC) $(WL_SHIM_CFLAGS) -c $< -o $@

$(WL_NATIVE_LIB): $(WL_OBJ)/native/blk_native.o
	@rm -f $@
	ar rcs $@ $^

$(WL_MICRO_LIB): $(WL_OBJ)/microguest/blk_virtio.o
	@rm -f $@
	ar rcs $@ $^

$(WL_OBJ)/%.o: workloads/%.c
	@mkdir -p $(dir $@)
	$(CC) $(WL_CFLAGS) -c $< -o $@

$(WL_OBJ)/%.o: workloads/%.S
	@mkdir -p $(dir $@)
	$(CC) $(WL_CFLAGS) -c $< -o $@

$(BUILD)/workloads/native/%: $(WL_OBJ)/src/%.o $(WL_LIB_OBJS) $(WL_OBJ)/native/shim.o $(WL_NATIVE_LIB)
	@mkdir -p $(dir $@)
	$(CC) -static -no-pie -o $@ $^ -luring

$(BUILD)/workloads/micro/%.elf: $(WL_OBJ)/src/%.o $(WL_LIB_OBJS) $(MG_OBJS) $(WL_MICRO_LIB) $(MG_LDSCRIPT)
	@mkdir -p $(dir $@)
	$(CC) -nostdlib -static -no-pie -Wl,-T,$(MG_LDSCRIPT) -Wl,--build-id=none \
	      -Wl,-z,noexecstack -o $@ $(filter %.o %.a,$^) -lgcc

.PHONY: workloads
workloads: $(WL_NATIVE) $(WL_MICRO)
all: workloads

INTEGRATION_PREREQS += workloads
RUN_PREREQS += workloads

# keep the shared objects: both programs of a workload link the same one
.SECONDARY: $(WL_NAMES:%=$(WL_OBJ)/src/%.o) $(WL_LIB_OBJS) $(MG_OBJS) \
            $(WL_OBJ)/native/shim.o $(WL_OBJ)/native/blk_native.o \
            $(WL_OBJ)/microguest/blk_virtio.o
