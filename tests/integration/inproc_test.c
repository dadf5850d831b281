/* In-process API scenarios (pulp.h): the same engine as ulp trigger,
 * committed from inside the process. Usage: inproc_test SCENARIO DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures/foo.h"
#include "inproc_harness.h"

static double mix(void)
{
  return foo_mix(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5,
                 7.5, 8.5, 9.5, 10.5);
}

/* Several patches on one function: last applied wins; reverting either
 * leaves the newest remaining one or the original. */
static void stacking(void)
{
  CHECK(!strcmp(foo_name(), "original"));
  CHECK(run("foo_p1.ulp") == 0);
  CHECK(!strcmp(foo_name(), "patched-1"));
  CHECK(run("foo_p2.ulp") == 0);
  CHECK(!strcmp(foo_name(), "patched-2"));
  CHECK(run("foo_p2.rev") == 0);
  CHECK(!strcmp(foo_name(), "patched-1"));
  CHECK(run("foo_p2.ulp") == 0);
  CHECK(run("foo_p1.rev") == 0); /* the older one, under the newer */
  CHECK(!strcmp(foo_name(), "patched-2"));
  CHECK(run("foo_p2.rev") == 0);
  CHECK(!strcmp(foo_name(), "original"));
  CHECK(pulp_patch_count() == 0);
}

static void arguments_and_recursion(void)
{
  double before = mix();
  CHECK(before == 55 + 60);
  CHECK(foo_fact(5) == 120);
  CHECK(run("foo_p1.ulp") == 0);
  /* sum(i*i) + sum((10+i)*(i+0.5)), i = 1..10 */
  CHECK(mix() == 385 + 935 + 77.5);
  CHECK(foo_fact(5) == 240);
  CHECK(run("foo_p1.rev") == 0);
  CHECK(mix() == before);
  CHECK(foo_fact(5) == 120);
}

static void static_and_tls_references(void)
{
  foo_value(0);
  foo_value(0); /* counter == 2 */
  CHECK(run("foo_p1.ulp") == 0);
  CHECK(foo_value(3) == 302);
  CHECK(foo_tls_value() == 7);
  CHECK(run("foo_p2.ulp") == 0);
  CHECK(foo_tls_value() == 7000);
  CHECK(pulp_revert_all("libfoo.so.1", NULL, 0) == 0);
  CHECK(foo_tls_value() == 7);
  CHECK(foo_value(3) == 4);
  CHECK(pulp_patch_count() == 0);
}

static void two_libraries_any_order(void)
{
  static const char *orders[][4] = {
      {"foo_p1.ulp", "bar_p1.ulp", "foo_p1.rev", "bar_p1.rev"},
      {"foo_p1.ulp", "bar_p1.ulp", "bar_p1.rev", "foo_p1.rev"},
      {"bar_p1.ulp", "foo_p1.ulp", "foo_p1.rev", "bar_p1.rev"},
      {"bar_p1.ulp", "foo_p1.ulp", "bar_p1.rev", "foo_p1.rev"},
  };
  for (size_t i = 0; i < 4; i++) {
    CHECK(run(orders[i][0]) == 0 && run(orders[i][1]) == 0);
    CHECK(!strcmp(foo_name(), "patched-1") && bar_value(2) == 6);
    CHECK(run(orders[i][2]) == 0);
    int foo_gone = strstr(orders[i][2], "foo") != NULL;
    CHECK(!strcmp(foo_name(), foo_gone ? "original" : "patched-1"));
    CHECK(bar_value(2) == (foo_gone ? 6 : 4));
    CHECK(run(orders[i][3]) == 0);
    CHECK(!strcmp(foo_name(), "original") && bar_value(2) == 4);
  }
}

static void page_crossing_pad(void)
{
  CHECK(page_value() == 10);
  CHECK(run("page_p1.ulp") == 0);
  CHECK(page_value() == 20);
  CHECK(run("page_p1.rev") == 0);
  CHECK(page_value() == 10);
}

static void refusals_leave_process_unchanged(void)
{
  char err[512];
  char path[4096];
  CHECK(run("foo_p1.rev") != 0); /* not applied */
  CHECK(run("no-such-file.ulp") != 0);
  snprintf(path, sizeof(path), "%s/corrupt.ulp", dir);
  CHECK(pulp_apply(path, err, sizeof(err)) != 0);
  CHECK(strstr(err, "corrupt") || strstr(err, "malformed") ||
        strstr(err, "magic"));
  CHECK(!strcmp(foo_name(), "original"));
  CHECK(pulp_patch_count() == 0);
}

static const struct scenario scenarios[] = {
    {"stacking", stacking},
    {"arguments_and_recursion", arguments_and_recursion},
    {"static_and_tls_references", static_and_tls_references},
    {"two_libraries_any_order", two_libraries_any_order},
    {"page_crossing_pad", page_crossing_pad},
    {"refusals_leave_process_unchanged", refusals_leave_process_unchanged},
};

int main(int argc, char **argv)
{
  return run_scenario(argc, argv, scenarios,
                      sizeof(scenarios) / sizeof(scenarios[0]));
}
