int bench_add_v2(int x)
{
  return x + 1;
}
