int widget_value(void)
{
  return 1;
}
