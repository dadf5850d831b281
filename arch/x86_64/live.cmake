# x86_64 live half (DESIGN.md section 3): register hijacking over ptrace in
# the tool (regs.c), the runtime's entry trampoline (trampoline.S).
# Included from arch/CMakeLists.txt; the variables are global so that ulp/
# and preload/ can use them.
add_library(pulp_arch_live_tool STATIC ${CMAKE_CURRENT_LIST_DIR}/regs.c)
target_include_directories(pulp_arch_live_tool PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(pulp_arch_live_tool PUBLIC pulp_core_rt)

set(PULP_TOOL_ARCH_LIBS pulp_arch_live_tool CACHE INTERNAL
  "live half of the native backend, tool side")
set(PULP_RUNTIME_ARCH_SOURCES ${CMAKE_CURRENT_LIST_DIR}/trampoline.S
  ${CMAKE_CURRENT_LIST_DIR}/call_target.c
  ${CMAKE_CURRENT_LIST_DIR}/code_sync.c
  ${CMAKE_CURRENT_LIST_DIR}/gate.S
  ${CMAKE_CURRENT_LIST_DIR}/gates.c
  ${CMAKE_CURRENT_LIST_DIR}/../gate_pool.c
  CACHE INTERNAL "live half of the native backend, runtime side")
