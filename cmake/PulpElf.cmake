# elfutils for the tool: Pulp::libelf (ELF reading) and Pulp::libdw
# (unwinding a stopped thread). Natively from pkg-config. In a cross build
# libelf-dev/libdw-dev cannot be installed for the target (multiarch version
# skew, DESIGN.md section 6): link the target's runtime libraries by soname
# (libelf1:<arch>, libdw1:<arch>) and compile against the host's headers,
# which are architecture-independent and which Debian's cross GCC finds in
# /usr/include.
function(pulp_elfutils_target name pcname soname header)
  if(TARGET Pulp::${name})
    return()
  endif()
  pkg_check_modules(PULP_PC_${name} QUIET IMPORTED_TARGET ${pcname})
  add_library(Pulp::${name} INTERFACE IMPORTED GLOBAL)
  if(PULP_PC_${name}_FOUND)
    target_link_libraries(Pulp::${name} INTERFACE PkgConfig::PULP_PC_${name})
    return()
  endif()
  if(NOT CMAKE_CROSSCOMPILING)
    message(FATAL_ERROR "${pcname} not found: run scripts/install-deps.sh")
  endif()
  find_library(PULP_${name}_SO NAMES ${soname} NO_CACHE)
  find_file(PULP_${name}_H ${header} PATHS /usr/include NO_CACHE)
  if(NOT PULP_${name}_SO OR NOT PULP_${name}_H)
    message(FATAL_ERROR "cross build: ${soname} for ${CMAKE_SYSTEM_PROCESSOR} "
      "(${PULP_${name}_SO}) or the host's ${header} (${PULP_${name}_H}) "
      "is missing: run scripts/install-deps.sh --tests")
  endif()
  target_link_libraries(Pulp::${name} INTERFACE -l:${soname})
endfunction()

pulp_elfutils_target(libelf libelf libelf.so.1 libelf.h)
pulp_elfutils_target(libdw libdw libdw.so.1 elfutils/libdw.h)
