#!/bin/sh
# Builds the native inference kernels (kernels.c) into target/native/ during Maven's compile phase.
# Usage: build.sh JAVA_HOME OUTPUT_DIR. Without a C compiler it says so and leaves the build going: the model
# then uses libtorch's kernels everywhere (correct, slower inference on the MNIST configs).
set -eu
java_home="$1"
out="$2/libvitsom_kernels.so"
src="$(dirname "$0")/kernels.c"
if [ -f "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$0" ]; then
  exit 0
fi
if ! command -v cc >/dev/null 2>&1; then
  echo "[WARNING] no C compiler (cc): native inference kernels not built; inference uses libtorch's" \
    "(apt-get install gcc for faster inference, README Speed)" >&2
  exit 0
fi
mkdir -p "$2"
cc -O3 -shared -fPIC -Wall -Werror -I"$java_home/include" -I"$java_home/include/linux" -o "$out.tmp" "$src" -ldl
mv "$out.tmp" "$out"
