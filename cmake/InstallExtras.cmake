# What distributions install beside the programs (docs/packaging.md): bash
# completion, the helper patch packages call, and for klp the boot service
# and the initramfs-tools hook. Included from the top CMakeLists.txt.
set(PULP_SYSTEMD_UNITDIR "${CMAKE_INSTALL_PREFIX}/lib/systemd/system"
  CACHE PATH "Where klp-boot.service is installed (Debian: /lib/systemd/system)")
set(PULP_BASH_COMPLETIONDIR
  "${CMAKE_INSTALL_FULL_DATADIR}/bash-completion/completions"
  CACHE PATH "Where the bash completion files are installed")

if(PULP_BUILD_ULP)
  install(FILES completion/ulp DESTINATION ${PULP_BASH_COMPLETIONDIR})
  install(PROGRAMS packaging/scripts/ulp-patches
    DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/pulp)
endif()
if(PULP_BUILD_KLP)
  install(FILES completion/klp DESTINATION ${PULP_BASH_COMPLETIONDIR})
  install(FILES packaging/systemd/klp-boot.service
    DESTINATION ${PULP_SYSTEMD_UNITDIR})
  install(PROGRAMS packaging/initramfs-tools/hook
    DESTINATION ${CMAKE_INSTALL_DATADIR}/initramfs-tools/hooks RENAME klp)
  install(PROGRAMS packaging/initramfs-tools/init-top
    DESTINATION ${CMAKE_INSTALL_DATADIR}/initramfs-tools/scripts/init-top
    RENAME klp)
endif()
