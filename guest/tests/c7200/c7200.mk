# c7200.mk - the c7200 hardware probes (guest/tests/c7200), included by
# guest/Makefile after tests/images.mk (paths relative to guest/).
#
# Bare-metal o32 programs that print what IOS finds on a Cisco 7200 with
# the NPE, midplane and cards it was started with: $(OUT)/c7200/<probe>.elf
# and their SHA256SUMS. The runner is tests/integration/test_c7200_probes.py;
# bench/c7200_probe_compare.py runs the same images on another dynamips.
# They reuse the o32 runtime, tio and bm_glue of tests/images.mk.

C7_DIR  := tests/c7200
C7_OUT  := $(OUT)/c7200
C7_OBJ  := $(OBJ)/c7200
C7_PROBES := $(sort $(basename $(notdir $(wildcard $(C7_DIR)/c7_*.c))))
C7_COMMON := $(C7_OBJ)/c7io.o
C7_H    := $(wildcard $(C7_DIR)/*.h) $(GT_COMMON_H)
C7_CFLAGS := $(GT_ARCH_o32) $(GT_CFLAGS) -I$(C7_DIR)

$(C7_OBJ)/%.o: $(C7_DIR)/%.c $(C7_H)
	@mkdir -p $(dir $@)
	$(GCC) $(C7_CFLAGS) -c $< -o $@

define c7_probe
$(C7_OBJ)/$(1).tio.o: $(GT_DIR)/common/tio.c $(C7_H)
	@mkdir -p $$(dir $$@)
	$(GCC) $(C7_CFLAGS) -DTEST_NAME=$(1) -c $$< -o $$@
$(C7_OUT)/$(1).elf: $(C7_OBJ)/$(1).o $(C7_OBJ)/$(1).tio.o $(C7_COMMON) \
                    $(GT_OBJ)/o32/common/bm_glue.o \
                    $(GT_OBJ)/o32/common/libgcc_mini.o $$(GT_RT_OBJS_o32) \
                    $(GT_OBJ)/o32/image.ld
	@mkdir -p $$(dir $$@)
	$(GCC) $(GT_ARCH_o32) $(GT_LDFLAGS) -T $(GT_OBJ)/o32/image.ld \
	    $$(GT_RT_OBJS_o32) $(GT_OBJ)/o32/common/bm_glue.o $(C7_COMMON) \
	    $(C7_OBJ)/$(1).o $(C7_OBJ)/$(1).tio.o \
	    $(GT_OBJ)/o32/common/libgcc_mini.o -o $$@
C7_IMAGES += $(C7_OUT)/$(1).elf
endef

C7_IMAGES :=
$(foreach p,$(C7_PROBES),$(eval $(call c7_probe,$(p))))

$(C7_OUT)/SHA256SUMS: $(C7_IMAGES)
	cd $(C7_OUT) && sha256sum $(sort $(notdir $(C7_IMAGES))) > SHA256SUMS

.PHONY: c7200-probes
c7200-probes: $(C7_OUT)/SHA256SUMS

images: c7200-probes
