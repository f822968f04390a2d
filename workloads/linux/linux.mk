# Linux-only workloads (workloads/linux/NAME.c): they use Linux system calls
# (getpid, pipe, fork) and so have no micro-guest build. Built like the
# native workloads (static, the native shim and workloads/lib) into
# build/workloads/native/NAME, so the Linux guest image carries them too.
WL_LINUX_NAMES := $(basename $(notdir $(wildcard workloads/linux/*.c)))
WL_LINUX       := $(addprefix $(BUILD)/workloads/native/,$(WL_LINUX_NAMES))

$(WL_OBJ)/linux/%.o: workloads/linux/%.c
	@mkdir -p $(dir $@)
	$(CC) $(WL_SHIM_CFLAGS) -I. -c $< -o $@

$(WL_LINUX): $(BUILD)/workloads/native/%: $(WL_OBJ)/linux/%.o $(WL_LIB_OBJS) $(WL_OBJ)/native/shim.o
	@mkdir -p $(dir $@)
	$(CC) -static -no-pie -o $@ $^

.SECONDARY: $(WL_LINUX_NAMES:%=$(WL_OBJ)/linux/%.o)
workloads: $(WL_LINUX)
guest: $(WL_LINUX)
