#!/usr/bin/env bash
# Builds libspillway-ndpi.so, the JNI glue between io.spillway.dpi and nDPI 4.2.
# Run by the dpi module's Maven build (process-classes), after javac wrote the JNI header:
#
#   build.sh JNI_HEADER_DIR OBJECT_DIR OUTPUT_ROOT
#
# writes OUTPUT_ROOT/linux-<arch>/libspillway-ndpi.so. Needs JAVA_HOME (for jni.h), gcc,
# pkg-config and nDPI's headers; stops with the packages to install when one is missing.
set -euo pipefail

INSTALL_HINT="install them with: apt-get install libndpi-dev gcc pkg-config"
fail() { printf 'spillway-ndpi build: %s\n' "$*" >&2; exit 1; }

(( $# == 3 )) || fail "usage: build.sh JNI_HEADER_DIR OBJECT_DIR OUTPUT_ROOT"
HEADERS="$1"
OBJECTS="$2"
OUTPUT="$3/linux-$(uname -m)"
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/spillway_ndpi.c"
LIBRARY="$OUTPUT/libspillway-ndpi.so"
CC="${CC:-gcc}"

[[ -n "${JAVA_HOME:-}" && -f "$JAVA_HOME/include/jni.h" ]] \
    || fail "no jni.h under JAVA_HOME='${JAVA_HOME:-}' (a JDK is needed)"
[[ -f "$HEADERS/io_spillway_dpi_NdpiNative.h" ]] || fail "no JNI header in $HEADERS: javac -h must run first"
command -v "$CC" >/dev/null || fail "no C compiler ($CC): $INSTALL_HINT"
command -v pkg-config >/dev/null || fail "pkg-config is missing: $INSTALL_HINT"
pkg-config --exists libndpi || fail "nDPI development files (libndpi.pc) are missing: $INSTALL_HINT"

# Rebuild only when the source, this script or the JNI header changed.
if [[ -f "$LIBRARY" && "$LIBRARY" -nt "$SOURCE" && "$LIBRARY" -nt "${BASH_SOURCE[0]}" \
      && "$LIBRARY" -nt "$HEADERS/io_spillway_dpi_NdpiNative.h" ]]; then
    exit 0
fi

mkdir -p "$OBJECTS" "$OUTPUT"
# shellcheck disable=SC2046 # pkg-config output is a list of flags
"$CC" -std=gnu11 -O2 -g -Wall -Wextra -Werror -fPIC -fvisibility=hidden \
    -I"$JAVA_HOME/include" -I"$JAVA_HOME/include/linux" -I"$HEADERS" $(pkg-config --cflags libndpi) \
    -c "$SOURCE" -o "$OBJECTS/spillway_ndpi.o"
# --as-needed: the glue calls nDPI only, so the .so needs libndpi.so.4.2 and nothing else pkg-config lists.
# shellcheck disable=SC2046
"$CC" -shared -Wl,--as-needed -Wl,-z,defs -o "$LIBRARY.tmp" "$OBJECTS/spillway_ndpi.o" $(pkg-config --libs libndpi)
mv "$LIBRARY.tmp" "$LIBRARY"
echo "spillway-ndpi build: $LIBRARY"
