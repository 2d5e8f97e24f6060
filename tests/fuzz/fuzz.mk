# fuzz.mk - the fuzz build, driven by tests/fuzz/build.sh (run from the
# repository root).  Every src/ room except src/cli/ is compiled with clang
# and libFuzzer instrumentation into build/fuzz/obj/, archived, and each
# tests/fuzz/fuzz_NAME.c is linked against the archive into
# build/fuzz/fuzz_NAME.  Incremental: make and the -MMD dependency files.
CC      := clang
FFLAGS  := -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
           -fno-omit-frame-pointer -D_GNU_SOURCE -std=c11 -Wall -Wno-unused-parameter
LDLIBS  := -ldl -lpthread -lm
SRCS    := $(sort $(wildcard src/util/*.c src/sil/*.c src/lang/*.c src/verify/*.c \
                             src/backend/*.c src/kernel/*.c src/hal/x86_64/*.c src/hal/hosted/*.c) \
                   src/system/image.c)
ASMS    := $(sort $(wildcard src/hal/x86_64/*.S src/hal/hosted/*.S src/kernel/*.S))
OBJS    := $(SRCS:%.c=build/fuzz/obj/%.o) $(ASMS:%.S=build/fuzz/obj/%.o)
TARGETS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

.PHONY: all
all: $(TARGETS)

build/fuzz/libsing.a: $(OBJS)
	@rm -f $@
	ar rcs $@ $(OBJS)

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c build/fuzz/libsing.a
	$(CC) $(FFLAGS) -fsanitize=fuzzer -Isrc -MMD -MP -o $@ $< build/fuzz/libsing.a $(LDLIBS)

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(FFLAGS) -MMD -MP -c -o $@ $<

build/fuzz/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) -g -c -o $@ $<

-include $(OBJS:.o=.d) $(TARGETS:%=%.d)
