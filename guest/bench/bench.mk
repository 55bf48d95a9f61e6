# bench.mk - the CPU benchmark image, included by guest/Makefile (which runs
# in guest/: paths here are relative to guest/).
#
#   images/bench/cpu_bench.elf   guest/lib runtime + bench/*.c
#   images/bench/SHA256SUMS      its manifest (checked by `make verify`)
#
# The workload is compiled at -O2, the level the native build in
# bench/cpu_bench.py uses, so the two runs execute comparable code; the
# runtime objects are the shared -Os ones (they only print the results).
# `make bench-images` builds just this image; `make images` includes it.

BENCH_OUT  := $(OUT)/bench
BENCH_SRCS := bench/cpu_bench.c bench/workload.c bench/divdi3.c
BENCH_OBJS := $(addprefix $(OBJ)/,$(addsuffix .o,$(BENCH_SRCS)))

$(BENCH_OBJS): GCFLAGS += -O2
$(BENCH_OBJS): bench/workload.h

$(BENCH_OUT)/cpu_bench.elf: $(BENCH_OBJS) $(LIB_OBJS) $(LIB_LD)
	@mkdir -p $(dir $@)
	$(GCC) $(GLDFLAGS) -T $(LIB_LD) $(LIB_OBJS) $(BENCH_OBJS) -o $@

$(BENCH_OUT)/SHA256SUMS: $(BENCH_OUT)/cpu_bench.elf
	cd $(BENCH_OUT) && sha256sum cpu_bench.elf > SHA256SUMS

.PHONY: bench-images
bench-images: $(BENCH_OUT)/SHA256SUMS

images: bench-images
