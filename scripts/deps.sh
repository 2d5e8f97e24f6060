#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, if missing.
# Safe to run often: it does nothing when everything is present.
set -eu
need=()
for pkg in gcc make clang libclang-rt-14-dev binutils python3 libxml2-utils tmux tshark iproute2 iputils-ping qemu-system-x86; do
	dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
echo "deps: installing ${need[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
