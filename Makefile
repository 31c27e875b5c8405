# remindd — build, run, test, install.
#
#   make run      install what is missing, build, and run the daemon in the foreground
#                 on ./.run/ (outbox provider, a sample export dropped in)
#   make test     install what is missing, build, and run every test
#   make install  binaries, units, tmpfiles, sysusers, catalog, man pages (DESTDIR honoured)

SWIFT     ?= swift
PREFIX    ?= /usr
DESTDIR   ?=
BUILD     ?= debug
RUN_DIR   ?= $(CURDIR)/.run
APT_PACKAGES = libsystemd-dev pkg-config systemd util-linux tzdata libphonenumber-dev libicu-dev python3 python3-venv stunnel4 openssl kannel kannel-extras tinyproxy squid gammu-smsd
# The SMSC the SMPP integration tests run against: PyPI's smpp34 (MIT), in a venv under .build.
SMPP34_VERSION = 1.5.0
SMPP_VENV = $(CURDIR)/.build/smpp34-venv

.PHONY: all deps smpp-smsc build release run test install install-files clean-run

all: build

# Installs the Debian packages the build and the tests need, when any is missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y $$missing; \
	fi
	@$(MAKE) --no-print-directory smpp-smsc

# PyPI's smpp34 server for Tests/RemindSMPPTests (SMSC/smsc.py); the tests fail without it.
smpp-smsc:
	@if ! $(SMPP_VENV)/bin/python3 -c 'import smpp34, sys; sys.exit(smpp34.__version__ != "$(SMPP34_VERSION)")' 2>/dev/null; then \
		echo "installing smpp34 $(SMPP34_VERSION) into $(SMPP_VENV)"; \
		python3 -m venv "$(SMPP_VENV)" && "$(SMPP_VENV)/bin/pip" install --quiet "smpp34==$(SMPP34_VERSION)"; \
	fi

build: deps
	$(SWIFT) build -c $(BUILD)

release:
	$(MAKE) build BUILD=release

# A throw-away spool under ./.run with the example templates, a window open all week,
# a 10 s stagger, and a sample export of appointments tomorrow (so reminders are due now).
run: build
	@scripts/make-run-dir "$(RUN_DIR)"
	$$($(SWIFT) build -c $(BUILD) --show-bin-path)/remindd --config "$(RUN_DIR)/remindd.toml" --log-target console

test: deps
	$(SWIFT) build --build-tests
	SWIFT=$(SWIFT) scripts/run-tests

install: release
	$(MAKE) --no-print-directory install-files BUILT=.build/release

# What `install` copies, from the binaries in $(BUILT) (the test of a fresh install,
# Tests/EndToEndTests/FreshInstallTests.swift, runs this with the debug build into a scratch DESTDIR).
BUILT ?= .build/release
install-files:
	install -D -m 0755 $(BUILT)/remindd $(DESTDIR)$(PREFIX)/sbin/remindd
	install -D -m 0755 $(BUILT)/remindctl $(DESTDIR)$(PREFIX)/bin/remindctl
	install -D -m 0644 systemd/remindd.service $(DESTDIR)/lib/systemd/system/remindd.service
	install -D -m 0644 systemd/remindd@.service $(DESTDIR)/lib/systemd/system/remindd@.service
	install -D -m 0644 systemd/remindd-setup@.service $(DESTDIR)/lib/systemd/system/remindd-setup@.service
	install -D -m 0644 systemd/remindd.tmpfiles $(DESTDIR)$(PREFIX)/lib/tmpfiles.d/remindd.conf
	install -D -m 0644 systemd/remindd.sysusers $(DESTDIR)$(PREFIX)/lib/sysusers.d/remindd.conf
	install -D -m 0644 systemd/remindd.catalog $(DESTDIR)$(PREFIX)/lib/systemd/catalog/remindd.catalog
	install -D -m 0644 docs/man/remindd.8 $(DESTDIR)$(PREFIX)/share/man/man8/remindd.8
	install -D -m 0644 docs/man/remindctl.1 $(DESTDIR)$(PREFIX)/share/man/man1/remindctl.1
	install -D -m 0644 docs/man/remindd.toml.5 $(DESTDIR)$(PREFIX)/share/man/man5/remindd.toml.5
	install -D -m 0640 spool.example/remindd.toml $(DESTDIR)/etc/remindd/remindd.toml.example
	[ -e $(DESTDIR)/etc/remindd/closed-dates ] || install -D -m 0644 spool.example/closed-dates $(DESTDIR)/etc/remindd/closed-dates
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions
	$(BUILT)/remindctl --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/remindctl
	$(BUILT)/remindctl --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_remindctl
	for t in spool.example/templates/*.mustache; do install -D -m 0644 $$t $(DESTDIR)/etc/remindd/templates/$$(basename $$t); done

clean-run:
	rm -rf "$(RUN_DIR)"
