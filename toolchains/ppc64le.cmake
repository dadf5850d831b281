# Cross build for ppc64le (IBM POWER, little-endian) with Debian's cross GCC:
#   cmake -S . -B build-ppc64le -DCMAKE_TOOLCHAIN_FILE=toolchains/ppc64le.cmake
# The target's libraries come from Debian's multiarch packages for that
# architecture (scripts/install-deps.sh --tests), installed under
# /usr/lib/powerpc64le-linux-gnu; their headers are the host's
# (Multi-Arch: same).
# ctest runs the built tests under qemu-user (no -L: the foreign glibc is
# installed through multiarch and -L would mix two glibc builds).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ppc64le)
set(PULP_CROSS_TRIPLE powerpc64le-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
