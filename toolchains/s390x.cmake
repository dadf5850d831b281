# Cross build for s390x (IBM Z, big-endian) with Debian's cross GCC:
#   cmake -S . -B build-s390x -DCMAKE_TOOLCHAIN_FILE=toolchains/s390x.cmake
# The target's libraries come from Debian's multiarch packages for that
# architecture (scripts/install-deps.sh --tests), installed under
# /usr/lib/s390x-linux-gnu; their headers are the host's
# (Multi-Arch: same).
# ctest runs the built tests under qemu-user (no -L: the foreign glibc is
# installed through multiarch and -L would mix two glibc builds).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(PULP_CROSS_TRIPLE s390x-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
