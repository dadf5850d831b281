# Flags that make a library live-patchable, per target architecture. They
# mirror the layout backends' cflags/ldflags (arch/*/layout.c); the unit test
# unit_flags_match_layouts keeps the two equal.
set(PULP_FLAGS_x86_64_CFLAGS "-fpatchable-function-entry=16,14")
set(PULP_FLAGS_x86_64_LDFLAGS "")
set(PULP_FLAGS_ppc64le_CFLAGS "-pg -mprofile-kernel -fpatchable-function-entry=16,16")
set(PULP_FLAGS_ppc64le_LDFLAGS "@PULP_MCOUNT_STUB@")
set(PULP_FLAGS_s390x_CFLAGS "-fpatchable-function-entry=8,8 -mhotpatch=0,3")
set(PULP_FLAGS_s390x_LDFLAGS "")
