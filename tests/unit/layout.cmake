# Unit tests of the layout halves of the three backends (arch/*/layout.c):
# every encoding is decoded with capstone on the host, whatever the host.
# Included from tests/unit/CMakeLists.txt.
pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
pkg_check_modules(CAPSTONE REQUIRED IMPORTED_TARGET capstone)

foreach(arch x86_64 ppc64le s390x)
  add_executable(test_layout_${arch}
    ${CMAKE_CURRENT_LIST_DIR}/test_layout_${arch}.c)
  # The layouts report errors through core's err.c, which core links after
  # them: name both so the static link order resolves either way.
  target_link_libraries(test_layout_${arch} PRIVATE
    pulp_arch_layout pulp_core_rt PkgConfig::CMOCKA PkgConfig::CAPSTONE)
  add_test(NAME layout_${arch} COMMAND test_layout_${arch})
endforeach()

# The capstone half (arch/decode.h): needs the pulp_arch_decode library.
if(TARGET pulp_arch_decode)
  add_executable(test_arch_decode ${CMAKE_CURRENT_LIST_DIR}/test_arch_decode.c)
  target_link_libraries(test_arch_decode PRIVATE pulp_arch_decode
    pulp_arch_layout pulp_core_rt PkgConfig::CMOCKA PkgConfig::CAPSTONE)
  add_test(NAME arch_decode COMMAND test_arch_decode)
endif()
