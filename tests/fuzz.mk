# make fuzz: libFuzzer targets (clang -fsanitize=fuzzer,address,undefined),
# each run for FUZZ_SECONDS from its checked-in seed corpus. New inputs go
# to build/fuzz/corpus-<target>, never into the source tree.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -std=gnu11 -O1 -g -D_GNU_SOURCE -I. -fno-omit-frame-pointer \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_TARGETS := virtqueue

build/fuzz/fuzz_virtqueue: tests/fuzz/fuzz_virtqueue.c hv/virtio/queue.c hv/virtio/blk_req.c hv/memory.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^ -luring -lhwloc

fuzz: $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p build/fuzz/corpus-$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
		build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
			-print_final_stats=1 build/fuzz/corpus-$$t tests/fuzz/corpus/$$t \
			|| exit 1; \
	done
