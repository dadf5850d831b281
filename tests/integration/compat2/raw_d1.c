/* A patch that carries only a data reference: raw_data_ref := &raw_data. */
int *raw_data_ref;

int raw_data_via_patch(void)
{
  return raw_data_ref ? *raw_data_ref : -1;
}
