#!/bin/sh
# Builds the model's two native libraries into target/native/ during Maven's compile phase (README, Speed):
#   libvitsom_kernels.so        the C inference kernels (kernels.c, loaded by NativeKernels)
#   libvitsom_mkl_intel_cpu.so  the one-function MKL helper the launcher preloads on non-Intel CPUs
# Usage: build.sh JAVA_HOME OUTPUT_DIR. Without a C compiler it says so and leaves the build going: the model then
# runs on libtorch's kernels, and MKL on its generic ones on non-Intel CPUs (correct, slower).
set -eu
java_home="$1"
dir="$(dirname "$0")"

# build SOURCE LIBRARY CC_FLAGS...: compiles when the library is missing or older than its source or this script.
build() {
  src="$dir/$1"
  out="$2/$3"
  shift 3
  if [ -f "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$0" ]; then
    return 0
  fi
  mkdir -p "$(dirname "$out")"
  cc -shared -fPIC -Wall -Werror -o "$out.tmp" "$src" "$@"
  mv "$out.tmp" "$out"
}

if ! command -v cc >/dev/null 2>&1; then
  echo "[WARNING] no C compiler (cc): native libraries not built; the model runs on libtorch's kernels and, on" \
    "non-Intel CPUs, MKL on its generic ones (apt-get install gcc for faster inference and training, README Speed)" >&2
  exit 0
fi
build kernels.c "$2" libvitsom_kernels.so -O3 -I"$java_home/include" -I"$java_home/include/linux" -ldl
build mkl_intel_cpu.c "$2" libvitsom_mkl_intel_cpu.so -O2
