# Shared part of the Debian cross toolchains (toolchains/<arch>.cmake set
# CMAKE_SYSTEM_PROCESSOR and PULP_CROSS_TRIPLE, then include this file).
set(CMAKE_C_COMPILER ${PULP_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${PULP_CROSS_TRIPLE}-g++)
set(CMAKE_ASM_COMPILER ${PULP_CROSS_TRIPLE}-gcc)

# qemu-ppc64le / qemu-s390x run whatever the build or ctest executes.
find_program(PULP_QEMU_USER qemu-${CMAKE_SYSTEM_PROCESSOR})
if(NOT PULP_QEMU_USER)
  message(FATAL_ERROR "qemu-${CMAKE_SYSTEM_PROCESSOR} not found: "
    "run scripts/install-deps.sh --tests (package qemu-user)")
endif()
set(CMAKE_CROSSCOMPILING_EMULATOR ${PULP_QEMU_USER})

# Foreign libraries live in the multiarch directory; programs and headers
# are the host's. Debian's cross GCC already searches
# /usr/include/<triple>, /usr/include and /usr/lib/<triple>.
set(CMAKE_LIBRARY_ARCHITECTURE ${PULP_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH /usr/${PULP_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# pkg-config sees only the target's .pc files (and arch-independent ones).
set(ENV{PKG_CONFIG_LIBDIR}
  "/usr/lib/${PULP_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")

# libelf-dev/libdw-dev cannot be installed for a foreign architecture
# (their version skews against the host's): without their .pc files,
# cmake/PulpElf.cmake links the runtime libraries (-l:libelf.so.1,
# -l:libdw.so.1) and the compiler finds the host headers in /usr/include.

# Shared libraries' own dependencies (libz for libelf, liblzma for libdw).
set(CMAKE_EXE_LINKER_FLAGS_INIT
  "-Wl,-rpath-link,/usr/lib/${PULP_CROSS_TRIPLE}:/lib/${PULP_CROSS_TRIPLE}")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "${CMAKE_EXE_LINKER_FLAGS_INIT}")
