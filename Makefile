# Sing - one plain Makefile.  `make` builds build/sing; `make test` runs
# every test (under ASan+UBSan) and ends with "N passed, N failed".

CC      ?= gcc
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Wshadow -Wmissing-prototypes -Werror
DEFS    := -D_GNU_SOURCE
LDLIBS  := -lpthread -lm
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# Every room of the house; src/cli/main.c is the only file kept out of the
# library so that fuzz targets and tests can link the rest.
SRCS    := $(sort $(wildcard src/util/*.c src/sil/*.c src/lang/*.c src/verify/*.c \
                             src/backend/*.c src/kernel/*.c src/hal/x86_64/*.c src/hal/hosted/*.c src/cli/*.c src/bench/*.c \
                             src/store/*.c src/system/*.c))
ASMS    := $(sort $(wildcard src/hal/x86_64/*.S src/hal/hosted/*.S src/kernel/*.S))
LIBSRCS := $(filter-out src/cli/main.c,$(SRCS))

OBJS     := $(SRCS:%.c=build/obj/%.o) $(ASMS:%.S=build/obj/%.o)
ASANOBJS := $(SRCS:%.c=build/asan/obj/%.o) $(ASMS:%.S=build/asan/obj/%.o)

.PHONY: all asan test run fuzz bench soak clean deps pc qemu mutants
all: build/sing build/store/index

# The default store: the system's own programs, installed (checked,
# verified, compiled) in dependency order: services before their clients.
SYS_PROGS := sys/services/conmux.sg sys/drivers/console.sg sys/drivers/nic.sg sys/services/ns.sg sys/services/echo.sg sys/services/netstack.sg \
             sys/apps/shell.sg sys/apps/hello.sg sys/apps/crash.sg \
             sys/apps/echoclient.sg sys/apps/echoloop.sg sys/apps/sendpacket.sg
build/store/index: build/sing sys/policy sys/config $(SYS_PROGS) $(wildcard sys/contracts/*.sg) \
                   $(wildcard sys/lib/*.sg)
	rm -rf build/store
	SING_POLICY=sys/policy build/sing store init build/store
	build/sing install --store build/store $(SYS_PROGS)
	cp sys/config build/store/config

build/sing: $(OBJS)
	$(CC) -o $@ $(OBJS) $(LDLIBS)

build/asan/sing: $(ASANOBJS)
	$(CC) $(SANFLAGS) -o $@ $(ASANOBJS) $(LDLIBS)

asan: build/asan/sing

# ThreadSanitizer (docs/kernel.md "ThreadSanitizer and user-level
# switches"): SING=build/tsan/sing SING_CPUS=2 tests/run kernel.
TSANFLAGS := -O1 -g -fsanitize=thread -fno-omit-frame-pointer -Wno-tsan
TSANOBJS := $(SRCS:%.c=build/tsan/obj/%.o) $(ASMS:%.S=build/tsan/obj/%.o)
build/tsan/sing: $(TSANOBJS)
	$(CC) $(TSANFLAGS) -o $@ $(TSANOBJS) $(LDLIBS)

build/tsan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(TSANFLAGS) $(WARN) $(DEFS) -MMD -MP -c -o $@ $<

build/tsan/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(TSANFLAGS) -MMD -MP -c -o $@ $<
build/tsan/obj/src/backend/prelude.o: build/gen/rt_h.inc

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
# The f64 functions (src/backend/fmath.h) are the second prelude.
build/gen/fmath_h.inc: src/backend/fmath.h
	@mkdir -p $(dir $@)
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< > $@
build/obj/src/backend/prelude.o build/asan/obj/src/backend/prelude.o: build/gen/rt_h.inc build/gen/fmath_h.inc

# ---- the bare-metal PC kernel (docs/baremetal.md) ----
# The same src/kernel, the shared src/hal/x86_64 and the PC HAL, built
# freestanding for ring 0: no red zone (interrupts may arrive on any
# stack), no PIC code (linked at 1 MiB, identity mapped), frame pointers
# for the panic's backtrace.  SSE stays on: f64 code needs it.
PC_CFLAGS := -O2 -g -ffreestanding -fno-pic -fno-pie -mno-red-zone -mcmodel=small \
             -fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
             -fcf-protection=none -fno-tree-loop-distribute-patterns
PC_SRCS := $(sort $(wildcard src/kernel/*.c src/hal/x86_64/*.c src/hal/pc/*.c)) \
           src/system/init.c src/system/image.c src/system/restart.c
PC_ASMS := $(sort $(wildcard src/hal/x86_64/*.S src/hal/pc/*.S))
PC_OBJS := $(PC_SRCS:%.c=build/pc/obj/%.o) $(PC_ASMS:%.S=build/pc/obj/%.o)
PC_LD   := -nostdlib -static -no-pie -Wl,-z,max-page-size=0x1000 -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T src/hal/pc/link.ld

pc: build/pc/sing.elf build/pc/sing-fault.elf

build/pc/sing.elf: $(PC_OBJS) src/hal/pc/link.ld
	$(CC) $(PC_LD) -o $@ $(PC_OBJS) -lgcc

# The test-only broken kernel: faults in kernel code after boot (tests/qemu).
build/pc/sing-fault.elf: $(filter-out build/pc/obj/src/hal/pc/fault.o,$(PC_OBJS)) build/pc/fault/fault.o src/hal/pc/link.ld
	$(CC) $(PC_LD) -o $@ $(filter-out build/pc/obj/src/hal/pc/fault.o,$(PC_OBJS)) build/pc/fault/fault.o -lgcc

build/pc/fault/fault.o: src/hal/pc/fault.c
	@mkdir -p $(dir $@)
	$(CC) $(PC_CFLAGS) $(WARN) -DPC_FORCE_FAULT -c -o $@ $<

build/pc/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(PC_CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

build/pc/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(PC_CFLAGS) -MMD -MP -c -o $@ $<

# `make qemu`: boot the machine with its serial console on this terminal
# (Ctrl-A X quits).  QEMU_NET=tap:IFNAME puts the NIC on a TAP,
# QEMU_PCAP=FILE dumps the wire; QEMU_APPEND=smoke runs the smoke test;
# QEMU_TRACE=FILE.json records the session (-append trace), takes the dump
# from COM2 at power-off (build/trace.dump) and converts it (docs/tracing.md).
# QEMU_SMP=N gives the machine N CPUs (multi-threaded TCG: one host thread
# each); QEMU_APPEND=smp starts them all (docs/baremetal.md "Every CPU");
# CPUS=N runs the kernel on N of them (-append cpus=N; default every CPU the
# machine has, as `make run CPUS=N`).
QEMU       ?= qemu-system-x86_64
QEMU_MEM   ?= 512M
QEMU_SMP   ?= 2
QEMU_NET   ?= user
QEMU_PCAP  ?=
QEMU_APPEND ?=
QEMU_TRACE ?=
QEMU_CMDLINE = $(strip $(QEMU_APPEND) $(if $(QEMU_TRACE),trace) $(if $(CPUS),cpus=$(CPUS)))
QEMU_NETDEV = $(if $(filter tap:%,$(QEMU_NET)),tap$(,)id=n0$(,)ifname=$(patsubst tap:%,%,$(QEMU_NET))$(,)script=no$(,)downscript=no,user$(,)id=n0)
, := ,
# The boot image: every program of build/store (sing image), the multiboot module.
build/sing.img: build/store/index
	build/sing image --store build/store -o $@

qemu: deps
	@$(MAKE) --no-print-directory all pc build/sing.img
	$(QEMU) -machine pc -m $(QEMU_MEM) -smp $(QEMU_SMP) -accel tcg,thread=multi -nographic -no-reboot \
	    -device isa-debug-exit,iobase=0xf4,iosize=4 \
	    -kernel build/pc/sing.elf -initrd build/sing.img $(if $(QEMU_CMDLINE),-append "$(QEMU_CMDLINE)") \
	    -netdev $(QEMU_NETDEV) -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56 \
	    $(if $(QEMU_PCAP),-object filter-dump$(,)id=f0$(,)netdev=n0$(,)file=$(QEMU_PCAP)) \
	    $(if $(QEMU_TRACE),-serial mon:stdio -serial file:build/trace.dump)
	$(if $(QEMU_TRACE),build/sing trace build/trace.dump -o $(QEMU_TRACE))

deps:
	@scripts/deps.sh

# The README's second command.  Installs what it needs, builds both
# binaries, runs every test area with the sanitized binary.
test: deps
	@$(MAKE) --no-print-directory all asan pc
	@SING=$(CURDIR)/build/asan/sing SING_FAST=$(CURDIR)/build/sing tests/run

# The README's first command: the system's main job as it stands.
run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run.sh

# Fuzz targets (libFuzzer, clang): a longer run than the test suite's smoke.
FUZZ_SECONDS ?= 300
fuzz: deps
	@tests/fuzz/build.sh && tests/fuzz/run.sh $(FUZZ_SECONDS)

# Small deliberate bugs, one at a time in a scratch copy of the tree
# (tests/mutants.list): prints every bug no test caught.  Not part of
# `make test`: it rebuilds and reruns areas once per bug.
mutants: deps
	@$(MAKE) --no-print-directory all asan
	@nice scripts/mutants.sh $(MUTANTS)

bench: deps
	@$(MAKE) --no-print-directory all
	@scripts/bench.sh

# A booted system used as an operator would for SOAK_MINUTES (default 10),
# then 2,000 piped lines: RSS over time, restarts, failures, the shutdown
# line (scripts/soak.py).  Not part of `make test`.
SOAK_MINUTES ?= 10
soak: deps
	@$(MAKE) --no-print-directory all
	@SOAK_MINUTES=$(SOAK_MINUTES) python3 scripts/soak.py

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(ASANOBJS:.o=.d) $(TSANOBJS:.o=.d) $(PC_OBJS:.o=.d)
