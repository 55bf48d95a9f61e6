# firmware.mk - the OpenDynamips router firmware (every MIPS platform), included by
# guest/Makefile (which runs in guest/: paths here are relative to guest/).
#
#   images/firmware/router-firmware.elf   guest/lib runtime + firmware/*
#   images/firmware/SHA256SUMS           its manifest (checked by `make verify`)
#
# `make firmware-images` builds just this image; `make images` includes it.
# The firmware keeps no initialised writable data (.data must stay empty):
# `reload` re-enters the ROM, which starts the image again from DRAM, and
# only .bss is re-initialised by crt0.

FW_OUT  := $(OUT)/firmware
FW_SRCS := firmware/idle.S firmware/main.c firmware/sys.c firmware/tty.c \
           firmware/util.c firmware/log.c firmware/eeprom.c firmware/pci.c \
           firmware/hw.c firmware/iface.c firmware/config.c firmware/nvram.c \
           firmware/cli.c firmware/cmds.c firmware/show.c firmware/net.c \
           firmware/drivers.c firmware/ip.c firmware/dec21140.c \
           firmware/am79c971.c firmware/mueslix.c firmware/serial.c firmware/filter.c firmware/md5.c \
           firmware/i82543.c firmware/plat.c firmware/gt96k_eth.c \
           firmware/mpsc.c firmware/gt96k_ring.c firmware/bcm5605.c
FW_OBJS := $(addprefix $(OBJ)/,$(addsuffix .o,$(FW_SRCS)))

$(FW_OBJS): $(wildcard firmware/*.h)

$(FW_OUT)/router-firmware.elf: $(LIB_OBJS) $(FW_OBJS) $(LIB_LD)
	@mkdir -p $(dir $@)
	$(GCC) $(GLDFLAGS) -T $(LIB_LD) $(LIB_OBJS) $(FW_OBJS) -o $@.tmp
	@if $(CROSS)objdump -h $@.tmp | awk '$$2 == ".data" && $$3 != "00000000" \
	    { bad = 1 } END { exit !bad }'; then \
	    echo "router-firmware.elf: .data is not empty (reload needs it" \
	         "empty)" >&2; rm -f $@.tmp; exit 1; fi
	mv $@.tmp $@

$(FW_OUT)/SHA256SUMS: $(FW_OUT)/router-firmware.elf
	cd $(FW_OUT) && sha256sum router-firmware.elf > SHA256SUMS

.PHONY: firmware-images
firmware-images: $(FW_OUT)/SHA256SUMS

images: firmware-images
