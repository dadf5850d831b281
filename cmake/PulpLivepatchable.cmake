# pulp_livepatchable(TARGET)
#
# Compiles TARGET (a shared library or executable) so that Pulp can patch
# it, and normalises its pads with `ulp post` after every link. Flags come
# from PULP_LIVEPATCHABLE_CFLAGS / PULP_LIVEPATCHABLE_LDFLAGS (lists) and the
# tool from PULP_ULP, all set by pulp-config.cmake (installed) or by Pulp's
# own build.
function(pulp_livepatchable target)
  target_compile_options(${target} PRIVATE ${PULP_LIVEPATCHABLE_CFLAGS})
  if(PULP_LIVEPATCHABLE_LDFLAGS)
    target_link_options(${target} PRIVATE ${PULP_LIVEPATCHABLE_LDFLAGS})
  endif()
  target_link_options(${target} PRIVATE -Wl,--build-id)
  if(TARGET ulp)
    add_dependencies(${target} ulp)
  endif()
  # Inside Pulp's own build the ppc64le ldflags name the build's stub.
  if(TARGET pulp_mcount_stub)
    add_dependencies(${target} pulp_mcount_stub)
  endif()
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${PULP_ULP_EMULATOR} ${PULP_ULP} post -q $<TARGET_FILE:${target}>
    COMMENT "ulp post ${target}"
    VERBATIM)
endfunction()
