# Sing - one plain Makefile.  `make` builds build/sing; `make test` runs
# every test (under ASan+UBSan) and ends with "N passed, N failed".

CC      ?= gcc
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Wshadow -Wmissing-prototypes -Werror
DEFS    := -D_GNU_SOURCE
LDLIBS  := -ldl -lpthread -lm
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# Every room of the house; src/cli/main.c is the only file kept out of the
# library so that fuzz targets and tests can link the rest.
SRCS    := $(sort $(wildcard src/util/*.c src/sil/*.c src/lang/*.c src/verify/*.c \
                             src/backend/*.c src/kernel/*.c src/hal/hosted/*.c src/cli/*.c src/bench/*.c \
                             src/store/*.c src/system/*.c))
ASMS    := $(sort $(wildcard src/hal/hosted/*.S src/kernel/*.S))
LIBSRCS := $(filter-out src/cli/main.c,$(SRCS))

OBJS     := $(SRCS:%.c=build/obj/%.o) $(ASMS:%.S=build/obj/%.o)
ASANOBJS := $(SRCS:%.c=build/asan/obj/%.o) $(ASMS:%.S=build/asan/obj/%.o)

.PHONY: all asan test run fuzz bench clean deps
all: build/sing build/store/index

# The default store: the system's own programs, installed (checked,
# verified, compiled) in dependency order: services before their clients.
SYS_PROGS := sys/drivers/console.sg sys/drivers/nic.sg sys/services/echo.sg sys/services/netstack.sg \
             sys/apps/shell.sg sys/apps/hello.sg sys/apps/crash.sg \
             sys/apps/echoclient.sg sys/apps/echoloop.sg sys/apps/sendpacket.sg
build/store/index: build/sing sys/policy sys/config $(SYS_PROGS) $(wildcard sys/contracts/*.sg) \
                   $(wildcard sys/lib/*.sg)
	rm -rf build/store
	SING_POLICY=sys/policy build/sing store init build/store
	build/sing install --store build/store $(SYS_PROGS)
	cp sys/config build/store/config

build/sing: $(OBJS)
	$(CC) -rdynamic -o $@ $(OBJS) $(LDLIBS)

build/asan/sing: $(ASANOBJS)
	$(CC) -rdynamic $(SANFLAGS) -o $@ $(ASANOBJS) $(LDLIBS)

asan: build/asan/sing

build/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(DEFS) -MMD -MP -c -o $@ $<

build/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

build/asan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(SANFLAGS) $(WARN) $(DEFS) -MMD -MP -c -o $@ $<

build/asan/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(SANFLAGS) -MMD -MP -c -o $@ $<

# The runtime interface (src/kernel/rt.h) is also the prelude of every C
# file the backend generates: embed its text as a C string.
build/gen/rt_h.inc: src/kernel/rt.h
	@mkdir -p $(dir $@)
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< > $@
build/obj/src/backend/prelude.o build/asan/obj/src/backend/prelude.o: build/gen/rt_h.inc

deps:
	@scripts/deps.sh

# The README's second command.  Installs what it needs, builds both
# binaries, runs every test area with the sanitized binary.
test: deps
	@$(MAKE) --no-print-directory all asan
	@SING=$(CURDIR)/build/asan/sing SING_FAST=$(CURDIR)/build/sing tests/run

# The README's first command: the system's main job as it stands.
run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run.sh

# Fuzz targets (libFuzzer, clang): a longer run than the test suite's smoke.
FUZZ_SECONDS ?= 300
fuzz: deps
	@tests/fuzz/build.sh && tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: deps
	@$(MAKE) --no-print-directory all
	@scripts/bench.sh

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(ASANOBJS:.o=.d)
