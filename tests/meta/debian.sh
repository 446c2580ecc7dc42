#!/usr/bin/env bash
# debian/ builds the version meson.build declares: the newest entry of
# debian/changelog is that version, for a native package (no revision).
# usage: debian.sh SOURCE_ROOT VERSION
set -u
changelog="$1/debian/changelog"
[ -r "$changelog" ] || { echo "no $changelog"; exit 1; }
got=$(sed -n '1s/^endorse (\([^)]*\)) .*/\1/p' "$changelog")
if [ "$got" != "$2" ]; then
	echo "debian/changelog's newest version is '$got', meson.build's is '$2'"
	exit 1
fi
grep -q '^3.0 (native)$' "$1/debian/source/format" || { echo "debian/source/format is not 3.0 (native)"; exit 1; }
echo "debian/changelog: $got"
