# platforms.mk - the platform probes (guest/tests/platforms), included by
# guest/Makefile after tests/images.mk (paths relative to guest/).
#
# Bare-metal o32 programs that print what IOS would find on a 3620, 3640,
# 3660, 2691, 3725 or 3745: $(OUT)/platforms/<probe>.elf and their
# SHA256SUMS. The runner (tests/integration/test_platforms.py) boots each
# on every chassis with the cards its expected file names and compares the
# console with expected/<probe>-<chassis>.out, written from the shared
# spec. They reuse the o32 runtime and tio of tests/images.mk; pglue.c is
# their console backend on every platform.

PP_DIR  := tests/platforms
PP_OUT  := $(OUT)/platforms
PP_OBJ  := $(OBJ)/platforms
PP_PROBES := $(sort $(basename $(notdir $(wildcard $(PP_DIR)/plat_*.c))))
PP_COMMON := $(PP_OBJ)/pio.o $(PP_OBJ)/pglue.o
# Linked into the probes that use them only.
PP_EXTRA_plat_hdlc := $(PP_OBJ)/pmpsc.o
PP_EXTRA_plat_wenet := $(PP_OBJ)/pmpsc.o
PP_H    := $(wildcard $(PP_DIR)/*.h) $(GT_COMMON_H)
PP_CFLAGS := $(GT_ARCH_o32) $(GT_CFLAGS) -I$(PP_DIR)

$(PP_OBJ)/%.o: $(PP_DIR)/%.c $(PP_H)
	@mkdir -p $(dir $@)
	$(GCC) $(PP_CFLAGS) -c $< -o $@

define pp_probe
$(PP_OBJ)/$(1).tio.o: $(GT_DIR)/common/tio.c $(PP_H)
	@mkdir -p $$(dir $$@)
	$(GCC) $(PP_CFLAGS) -DTEST_NAME=$(1) -c $$< -o $$@
$(PP_OUT)/$(1).elf: $(PP_OBJ)/$(1).o $(PP_OBJ)/$(1).tio.o $(PP_COMMON) \
                    $(PP_EXTRA_$(1)) \
                    $(GT_OBJ)/o32/common/libgcc_mini.o $$(GT_RT_OBJS_o32) \
                    $(GT_OBJ)/o32/image.ld
	@mkdir -p $$(dir $$@)
	$(GCC) $(GT_ARCH_o32) $(GT_LDFLAGS) -T $(GT_OBJ)/o32/image.ld \
	    $$(GT_RT_OBJS_o32) $(PP_COMMON) $(PP_EXTRA_$(1)) $(PP_OBJ)/$(1).o \
	    $(PP_OBJ)/$(1).tio.o $(GT_OBJ)/o32/common/libgcc_mini.o -o $$@
PP_IMAGES += $(PP_OUT)/$(1).elf
endef

PP_IMAGES :=
$(foreach p,$(PP_PROBES),$(eval $(call pp_probe,$(p))))

$(PP_OUT)/SHA256SUMS: $(PP_IMAGES)
	cd $(PP_OUT) && sha256sum $(sort $(notdir $(PP_IMAGES))) > SHA256SUMS

.PHONY: platform-probes
platform-probes: $(PP_OUT)/SHA256SUMS

images: platform-probes
