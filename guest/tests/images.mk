# images.mk - the guest test suite (guest/tests), included by guest/Makefile
# (which runs in guest/: every path here is relative to guest/).
#
# Every test source is compiled ONCE per ABI variant and the same objects
# are linked twice:
#   bare metal  $(OUT)/tests/<test>-<abi>.elf  (guest/lib runtime, committed)
#   Linux user  $(OBJ)/tests/linux/<test>-<abi> (syscall shim, for qemu)
# so the emulator run and the qemu run execute identical test code.
#
# ABI variants:
#   o32   -mabi=32  -march=r4600   32-bit registers (the IOS ABI)
#   n32   -mabi=n32 -march=r4600   MIPS III 64-bit registers: DADDU, DMULT,
#                                  DDIV, DSLL32, LD/SD, LDL/LDR ... natively
#   rm7k  -mabi=n32 -march=rm7000  MIPS IV + RM7000 (MOVN/MOVZ, MUL, MAD)
# n32 images are ELF32 (EF_MIPS_ABI2); the runtime is rebuilt per ABI.
#
# Targets (from guest/):  make guest-tests-images   bare-metal images
#                         make guest-tests-linux    qemu binaries
#                         make guest-tests-golden   refresh tests/expected/
#                                                   *-<abi>.out from qemu
# `make images` builds the test images too and writes
# $(OUT)/tests/SHA256SUMS next to them.

GT_DIR     := tests
GT_OUT     := $(OUT)/tests
GT_OBJ     := $(OBJ)/tests

# Plain computation, compared with qemu.
GT_DIFF    := $(sort $(basename $(notdir $(wildcard $(GT_DIR)/diff/*.c \
                                                      $(GT_DIR)/isa/*.c))))
# Exceptions, CP0, TLB, timer: bare metal only, expected output files.
GT_HW      := $(sort $(basename $(notdir $(wildcard $(GT_DIR)/hw/*.c))))

GT_DIFF_ABIS := o32 n32 rm7k
GT_HW_ABIS   := o32 n32

GT_ARCH_o32  := -EB -mabi=32 -march=r4600
GT_ARCH_n32  := -EB -mabi=n32 -march=r4600
GT_ARCH_rm7k := -EB -mabi=n32 -march=rm7000
GT_LDFMT_o32  := elf32-tradbigmips
GT_LDFMT_n32  := elf32-ntradbigmips
GT_LDFMT_rm7k := elf32-ntradbigmips

GT_CFLAGS  := -mno-abicalls -fno-pic -G0 -msoft-float -std=gnu11 -O2 \
              -ffreestanding -nostdlib -fno-builtin \
              -fno-asynchronous-unwind-tables -fno-unwind-tables \
              -fno-stack-protector -fno-common -fno-ident \
              -fno-tree-loop-distribute-patterns \
              -ffile-prefix-map=$(CURDIR)=. \
              -Wall -Wextra -Werror -I$(GT_DIR)/common -Ilib
GT_LDFLAGS := -nostdlib -static -Wl,--build-id=none -Wl,-z,norelro \
              -Wl,--no-warn-rwx-segments -Wl,-z,max-page-size=4096

# The runtime (guest/lib) rebuilt per ABI with the test flags.
GT_RT_SRCS := lib/crt0.S lib/exc_entry.S lib/exc.c lib/console.c \
              lib/format.c lib/printf.c lib/string.c lib/exit.c

# Where a test's source lives.
gt_src = $(firstword $(wildcard $(GT_DIR)/diff/$(1).c $(GT_DIR)/isa/$(1).c \
                                $(GT_DIR)/hw/$(1).c))

GT_COMMON_H := $(wildcard $(GT_DIR)/common/*.h) $(wildcard lib/*.h)

# ---- per-ABI rules
define gt_abi_rules
$(GT_OBJ)/$(1)/lib/%.c.o: lib/%.c $(GT_COMMON_H)
	@mkdir -p $$(dir $$@)
	$(GCC) $(GT_ARCH_$(1)) $(GT_CFLAGS) -c $$< -o $$@
$(GT_OBJ)/$(1)/lib/%.S.o: lib/%.S $(GT_COMMON_H)
	@mkdir -p $$(dir $$@)
	$(GCC) $(GT_ARCH_$(1)) $(GT_CFLAGS) -c $$< -o $$@
$(GT_OBJ)/$(1)/common/%.o: $(GT_DIR)/common/%.c $(GT_COMMON_H)
	@mkdir -p $$(dir $$@)
	$(GCC) $(GT_ARCH_$(1)) $(GT_CFLAGS) -c $$< -o $$@
$(GT_OBJ)/$(1)/common/%.o: $(GT_DIR)/common/%.S $(GT_COMMON_H)
	@mkdir -p $$(dir $$@)
	$(GCC) $(GT_ARCH_$(1)) $(GT_CFLAGS) -c $$< -o $$@
$(GT_OBJ)/$(1)/image.ld: lib/image.ld
	@mkdir -p $$(dir $$@)
	sed 's/elf32-tradbigmips/$(GT_LDFMT_$(1))/' $$< > $$@
GT_RT_OBJS_$(1) := $(patsubst %,$(GT_OBJ)/$(1)/%.o,$(GT_RT_SRCS))
endef
$(foreach a,o32 n32 rm7k,$(eval $(call gt_abi_rules,$(a))))

# ---- per-test, per-ABI rules: gt_test(test, abi, linux|hw)
define gt_test
$(GT_OBJ)/$(2)/$(1).o: $(call gt_src,$(1)) $(GT_COMMON_H)
	@mkdir -p $$(dir $$@)
	$(GCC) $(GT_ARCH_$(2)) $(GT_CFLAGS) -c $$< -o $$@
$(GT_OBJ)/$(2)/$(1).tio.o: $(GT_DIR)/common/tio.c $(GT_COMMON_H)
	@mkdir -p $$(dir $$@)
	$(GCC) $(GT_ARCH_$(2)) $(GT_CFLAGS) -DTEST_NAME=$(1) -c $$< -o $$@
GT_TOBJS_$(1)_$(2) := $(GT_OBJ)/$(2)/$(1).o $(GT_OBJ)/$(2)/$(1).tio.o \
                      $(if $(filter o32,$(2)),$(GT_OBJ)/$(2)/common/libgcc_mini.o) \
                      $(if $(filter hw,$(3)),$(GT_OBJ)/$(2)/common/hw.o)
$(GT_OUT)/$(1)-$(2).elf: $$(GT_TOBJS_$(1)_$(2)) $(GT_OBJ)/$(2)/common/bm_glue.o \
                         $$(GT_RT_OBJS_$(2)) $(GT_OBJ)/$(2)/image.ld
	@mkdir -p $$(dir $$@)
	$(GCC) $(GT_ARCH_$(2)) $(GT_LDFLAGS) -T $(GT_OBJ)/$(2)/image.ld \
	    $$(GT_RT_OBJS_$(2)) $(GT_OBJ)/$(2)/common/bm_glue.o \
	    $$(GT_TOBJS_$(1)_$(2)) -o $$@
GT_IMAGES += $(GT_OUT)/$(1)-$(2).elf
ifeq ($(3),linux)
$(GT_OBJ)/linux/$(1)-$(2): $$(GT_TOBJS_$(1)_$(2)) $(GT_OBJ)/$(2)/common/linux_start.o
	@mkdir -p $$(dir $$@)
	$(GCC) $(GT_ARCH_$(2)) $(GT_LDFLAGS) $(GT_OBJ)/$(2)/common/linux_start.o \
	    $$(GT_TOBJS_$(1)_$(2)) -o $$@
GT_LINUX += $(GT_OBJ)/linux/$(1)-$(2)
endif
endef

GT_IMAGES :=
GT_LINUX  :=
$(foreach t,$(GT_DIFF),$(foreach a,$(GT_DIFF_ABIS),$(eval $(call gt_test,$(t),$(a),linux))))
$(foreach t,$(GT_HW),$(foreach a,$(GT_HW_ABIS),$(eval $(call gt_test,$(t),$(a),hw))))

# Which qemu runs which ABI (n32 on an R4000 model: MIPS III only, so a
# MIPS IV instruction leaking into the r4600 build shows up as SIGILL).
GT_QEMU_o32  := qemu-mips
GT_QEMU_n32  := qemu-mipsn32 -cpu R4000
GT_QEMU_rm7k := qemu-mipsn32

.PHONY: guest-tests-images guest-tests-linux guest-tests-golden
guest-tests-images: $(GT_OUT)/SHA256SUMS
guest-tests-linux: $(GT_LINUX)

$(GT_OUT)/SHA256SUMS: $(GT_IMAGES)
	cd $(GT_OUT) && sha256sum $(sort $(notdir $(GT_IMAGES))) > SHA256SUMS

# Golden outputs: what qemu prints for each differential test and ABI.
guest-tests-golden: $(GT_LINUX)
	@set -e; for t in $(GT_DIFF); do for a in $(GT_DIFF_ABIS); do \
	    case $$a in o32) q="$(GT_QEMU_o32)";; n32) q="$(GT_QEMU_n32)";; \
	                rm7k) q="$(GT_QEMU_rm7k)";; esac; \
	    $$q $(GT_OBJ)/linux/$$t-$$a > $(GT_DIR)/expected/$$t-$$a.out; \
	done; done; echo "guest tests: golden outputs written to $(GT_DIR)/expected"

images: guest-tests-images
