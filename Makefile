# Parley - one entry point.
#
#   make run     install what is missing, build, start the stack in the foreground
#   make start   the same, in the background; returns once every process is healthy
#   make stop    stop the stack started by run/start
#   make test    set up a separate throw-away stack and run every test level
#   make bench   load and latency benchmarks (bench/README.md)
#
# C is built into build/<mode>/: "release" for run/start, "asan" (ASan+UBSan)
# for test. Every .c under common/ goes into libcommon.a, every directory under
# services/ becomes one binary, every tests/unit/**/*_test.c and
# tests/integration/*_test.c one Criterion binary: add files, not rules.

MODE		?= release
BUILD		:= build/$(MODE)
CC		?= cc
PKGS		:= libpq jansson libsodium hiredis libwebsockets libuv libcurl libcrypto
PKG_CFLAGS	:= $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS	:= $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lfcgi -lpthread

WARN		:= -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
		   -Wformat=2 -Wno-format-nonliteral -Werror
CFLAGS		:= -std=c11 -D_GNU_SOURCE -g -MMD -MP $(WARN) -Icommon $(PKG_CFLAGS)
LDFLAGS		:= -Wl,--as-needed

ifeq ($(MODE),asan)
CFLAGS		+= -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
		   -fno-sanitize-recover=undefined
LDFLAGS		+= -fsanitize=address,undefined
else
CFLAGS		+= -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong
endif

COMMON_SRC	:= $(wildcard common/*.c)
COMMON_OBJ	:= $(COMMON_SRC:%.c=$(BUILD)/%.o)
LIBCOMMON	:= $(BUILD)/libcommon.a

SERVICES	:= $(notdir $(patsubst %/,%,$(wildcard services/*/)))
SVC_BINS	:= $(SERVICES:%=$(BUILD)/bin/%)

UNIT_SRC	:= $(shell find tests/unit -name '*_test.c' 2>/dev/null)
UNIT_BINS	:= $(UNIT_SRC:%.c=$(BUILD)/%)
INTEG_SRC	:= $(wildcard tests/integration/*_test.c)
INTEG_BINS	:= $(INTEG_SRC:%.c=$(BUILD)/%)
INTEG_LIB_SRC	:= $(wildcard tests/integration/lib/*.c)
INTEG_LIB_OBJ	:= $(INTEG_LIB_SRC:%.c=$(BUILD)/%.o)
BENCH_SRC	:= $(wildcard bench/*.c)
BENCH_BINS	:= $(BENCH_SRC:%.c=$(BUILD)/%)

# V=1 shows the full compiler command lines.
ifeq ($(V),1)
Q		:=
say		:= @true
else
Q		:= @
say		:= @printf '  %-5s %s\n'
endif

.SECONDARY:
.PHONY: all c services web deps run start stop test bench clean format
all: c web

services: $(SVC_BINS)
c: $(SVC_BINS) $(UNIT_BINS) $(INTEG_BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(LIBCOMMON): $(COMMON_OBJ)
	@mkdir -p $(@D)
	$(say) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

# A service binary: every .c in services/<name>/.
.SECONDEXPANSION:
$(BUILD)/bin/%: $$(addprefix $(BUILD)/,$$(subst .c,.o,$$(wildcard services/$$*/*.c))) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBCOMMON) $(PKG_LIBS)

# A unit test of tests/unit/services/<svc>/ also links that service's objects
# except main.o, so handlers are called directly.
svc_objs = $(addprefix $(BUILD)/,$(subst .c,.o,$(filter-out %/main.c,$(wildcard services/$(1)/*.c))))

$(BUILD)/tests/unit/%_test: $(BUILD)/tests/unit/%_test.o $(LIBCOMMON) \
    $$(if $$(findstring services/,$$*),$$(call svc_objs,$$(word 2,$$(subst /, ,$$*))))
	@mkdir -p $(@D)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBCOMMON) $(PKG_LIBS) -lcriterion

# A benchmark tool: one .c in bench/, with the integration tests' helpers.
$(BUILD)/bench/%: $(BUILD)/bench/%.o $(INTEG_LIB_OBJ) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBCOMMON) $(PKG_LIBS) -lcriterion

$(BUILD)/tests/integration/%_test: $(BUILD)/tests/integration/%_test.o $(INTEG_LIB_OBJ) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBCOMMON) $(PKG_LIBS) -lcriterion

# Tests use Criterion's macros, which define functions without prototypes.
$(BUILD)/tests/%.o: CFLAGS += -Wno-missing-prototypes -Itests/integration/lib
$(BUILD)/bench/%.o: CFLAGS += -Itests/integration/lib

web: web/out/index.html
web/out/index.html: $(shell find web/app web/components web/lib web/public -type f 2>/dev/null) \
    $(wildcard web/*.json web/*.ts web/*.mjs)
	cd web && NEXT_TELEMETRY_DISABLED=1 npm run --silent build
	@touch $@

deps:
	@deploy/install-deps

run: deps
	@$(MAKE) --no-print-directory -j$(shell nproc) services web
	@deploy/stack run

start: deps
	@$(MAKE) --no-print-directory -j$(shell nproc) services web
	@deploy/stack start

stop:
	@deploy/stack stop

test: deps
	@tests/run-all

bench: deps
	@$(MAKE) --no-print-directory -j$(shell nproc) services web $(BENCH_BINS)
	@bench/run-all

format:
	clang-format -i $(COMMON_SRC) common/*.h $(wildcard services/*/*.[ch])

clean:
	rm -rf build web/out web/.next

-include $(shell find build -name '*.d' 2>/dev/null)
