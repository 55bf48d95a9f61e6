# OpenDynamips: build, tests, firmware, demo.
#
#   make            build/dynamips, build/dynagen, build/nvram_export
#   make check      install missing test dependencies (as root), run every test
#   make demo       boot the demo image on an emulated c7200, console here
#   make firmware   rebuild guest/images from guest/ (needs mips-linux-gnu-gcc)
#   make install PREFIX=/usr/local

CC       ?= gcc
PYTHON   ?= /usr/bin/python3
PREFIX   ?= /usr/local
BUILD    := build
JOBS     ?= 2

WARN     := -Wall -Wextra -Werror -Wno-unused-parameter
CSTD     := -std=c11 -D_GNU_SOURCE
OPT      ?= -O2 -g
CPPFLAGS := -Isrc -I$(BUILD)/gen
CFLAGS   := $(CSTD) $(OPT) $(WARN) -pthread
LDLIBS   := -pthread -lm -lpcap

SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=undefined

LIB_SRCS := $(wildcard src/core/*.c src/mem/*.c src/cpu/mips64/*.c \
                       src/dev/*.c src/machine/*/*.c src/hv/*.c src/net/*.c)
ROM_BIN  := guest/images/c7200_rom.bin

# ---------------------------------------------------------------- objects
OBJ      := $(BUILD)/obj
ASAN     := $(BUILD)/asan
LIB_OBJS := $(LIB_SRCS:%.c=$(OBJ)/%.o) $(OBJ)/rom_blob.o
SAN_OBJS := $(LIB_SRCS:%.c=$(ASAN)/obj/%.o) $(OBJ)/rom_blob.o

.PHONY: fuzz-quick all check demo firmware firmware-verify install clean unit guest-tests \
        integration asan fuzz bench deps
PROGRAMS := $(BUILD)/dynamips
ifneq ($(wildcard src/main/nvram_export.c),)
PROGRAMS += $(BUILD)/nvram_export
endif
ifneq ($(wildcard src/dynagen/*.c),)
PROGRAMS += $(BUILD)/dynagen
endif
all: $(PROGRAMS)

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(ASAN)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CSTD) $(WARN) -pthread $(SAN_FLAGS) -MMD -MP -c $< -o $@

# The ROM monitor (built from guest/rom, committed prebuilt) is linked in.
$(OBJ)/rom_blob.o: $(ROM_BIN) src/machine/c7200/rom_blob.S
	@mkdir -p $(dir $@)
	$(CC) -c -DROM_BIN='"$(abspath $(ROM_BIN))"' src/machine/c7200/rom_blob.S -o $@

$(BUILD)/libdyn.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(ASAN)/libdyn.a: $(SAN_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/dynamips: $(OBJ)/src/main/dynamips.o $(BUILD)/libdyn.a
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/nvram_export: $(OBJ)/src/main/nvram_export.o $(BUILD)/libdyn.a
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

# dynagen needs nothing from libdyn.a; readline for its CLI.
DYNAGEN_SRCS := $(filter-out src/dynagen/main.c,$(wildcard src/dynagen/*.c))
DYNAGEN_LIBS := -lreadline -lm
$(BUILD)/dynagen: $(patsubst %.c,$(OBJ)/%.o,$(wildcard src/dynagen/*.c))
	$(CC) $(CFLAGS) $^ -o $@ $(DYNAGEN_LIBS)

# Stand-alone network devices for the network integration tests and bench.
$(BUILD)/net_testd: $(OBJ)/tests/tools/net_testd.o $(BUILD)/libdyn.a
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(ASAN)/dynamips: $(ASAN)/obj/src/main/dynamips.o $(ASAN)/libdyn.a
	$(CC) $(SAN_FLAGS) -pthread $^ -o $@ $(LDLIBS)

asan: $(ASAN)/dynamips

# ---------------------------------------------------------------- tests
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

$(BUILD)/tests/%: tests/unit/%.c $(ASAN)/libdyn.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CSTD) $(WARN) -pthread $(SAN_FLAGS) $< $(ASAN)/libdyn.a \
	    -o $@ -lcmocka $(LDLIBS)

# dynagen's unit tests link its objects (all but main), not libdyn.a.
DYNAGEN_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,\
                   $(wildcard tests/unit/test_dynagen_*.c))
$(DYNAGEN_TESTS): $(BUILD)/tests/%: tests/unit/%.c \
        $(DYNAGEN_SRCS:%.c=$(ASAN)/obj/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CSTD) $(WARN) -pthread $(SAN_FLAGS) $< \
	    $(DYNAGEN_SRCS:%.c=$(ASAN)/obj/%.o) -o $@ -lcmocka $(DYNAGEN_LIBS)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

deps:
	@sh tests/deps.sh

guest-tests: all asan
	$(PYTHON) -m pytest -q guest/tests

integration: all asan
	$(PYTHON) -m pytest -q tests/integration

firmware:
	$(MAKE) -C guest images

firmware-verify:
	@if command -v mips-linux-gnu-gcc >/dev/null; then \
	    $(MAKE) -C guest verify; \
	else echo "firmware-verify: mips-linux-gnu-gcc not installed, skipped"; fi

# Every fuzz target for a few seconds (longer: FUZZ_TIME=300 tests/fuzz/run.sh).
# A missing clang fuzzer runtime (exit 2) is reported, not fatal.
fuzz-quick:
	@FUZZ_TIME=$${FUZZ_TIME:-8} sh tests/fuzz/run.sh; rc=$$?; \
	    if [ $$rc -eq 2 ]; then echo "fuzz: skipped (no clang fuzzer runtime)"; \
	    else exit $$rc; fi

check: deps
	$(MAKE) -j$(JOBS) all asan $(UNIT_BINS) $(BUILD)/net_testd
	$(MAKE) firmware-verify
	$(MAKE) unit
	$(MAKE) fuzz-quick
	$(PYTHON) -m pytest -q guest/tests tests/integration

# One c7200 running the open router firmware, console on this terminal
# (Ctrl-] then q stops it).
demo: deps
	$(MAKE) -j$(JOBS) all
	./$(BUILD)/dynamips -P 7200 -X -r 64 -p 1:PA-4E guest/images/firmware/router-firmware.elf

bench: all
	$(PYTHON) bench/cpu_bench.py

# Besides programs, man pages and images: the sample labs (read only once
# installed: copy one before running it), a dynagen.ini whose settings are
# all commented out and the network-file reference. The ini goes to
# share/doc, not share/dynamips/dynagen.ini, which dynagen would read.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/dynamips/images
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 guest/images/*.elf guest/images/*.bin guest/images/SHA256SUMS \
	    $(DESTDIR)$(PREFIX)/share/dynamips/images/
	$(if $(wildcard guest/images/firmware/*.elf),install -m 644 \
	    guest/images/firmware/*.elf $(DESTDIR)$(PREFIX)/share/dynamips/images/)
	install -d $(DESTDIR)$(PREFIX)/share/dynamips/sample_labs \
	    $(DESTDIR)$(PREFIX)/share/doc/dynamips
	install -m 644 samples/labs/*.net \
	    $(DESTDIR)$(PREFIX)/share/dynamips/sample_labs/
	install -m 644 samples/dynagen.ini.sample samples/all_config_options.txt \
	    $(DESTDIR)$(PREFIX)/share/doc/dynamips/

clean:
	rm -rf $(BUILD)
	$(MAKE) -C guest clean

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
