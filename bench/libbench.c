int bench_add(int x)
{
  return x + 1;
}
