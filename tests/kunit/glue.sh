# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154  # $repo, $cache: set by the caller
# Sourced by tests/kunit/run.sh and bench/uml-run: unpack Debian's
# linux-source-6.1 under the cache directory (outside the repo) and mirror
# the repo's kmod/ and include/ into its net/ksvc/, so kmod/Kconfig and
# kmod/Kbuild build ksvc into a UML kernel unchanged.  Needs $repo and
# $cache; sets $src.
src=$cache/linux-source-6.1
tarball=/usr/src/linux-source-6.1.tar.xz

mkdir -p "$cache"
if [ ! -f "$src/Makefile" ]; then
	echo "kunit: unpacking $tarball into $cache"
	tar -C "$cache" -xf "$tarball"
fi

# Only files whose content differs are copied, and get a new mtime:
# unchanged files are not rebuilt, and a changed one is even when the
# repo's copy is older than the last build (another tree).
glue=$src/net/ksvc
mkdir -p "$glue"
(cd "$repo" && find kmod include -type f ! \( -name '*.o' -o -name '*.ko' \
	-o -name '.*.cmd' -o -name '*.mod*' -o -name modules.order \
	-o -name Module.symvers \)) | sort >"$glue/.files"
while read -r f; do
	cmp -s "$repo/$f" "$glue/$f" || install -D -m 644 "$repo/$f" "$glue/$f"
done <"$glue/.files"
(cd "$glue" && find kmod include -type f | sort | comm -23 - .files | xargs -r rm -f)
# kmod/Kconfig, sourced from net/Kconfig.  Trees glued before it moved
# there from tests/kunit/ source net/ksvc/Kconfig: point them at it.
rm -f "$glue/Kconfig"
if grep -q '^source "net/ksvc/Kconfig"$' "$src/net/Kconfig"; then
	sed -i 's|^source "net/ksvc/Kconfig"$|source "net/ksvc/kmod/Kconfig"|' \
		"$src/net/Kconfig"
fi
grep -q 'net/ksvc/kmod/Kconfig' "$src/net/Kconfig" ||
	sed -i 's|^source "net/netfilter/Kconfig"|&\nsource "net/ksvc/kmod/Kconfig"|' "$src/net/Kconfig"
# shellcheck disable=SC2016 # make's $(...), not the shell's
grep -q 'ksvc/kmod/' "$src/net/Makefile" ||
	echo 'obj-$(CONFIG_KSVC) += ksvc/kmod/' >> "$src/net/Makefile"
