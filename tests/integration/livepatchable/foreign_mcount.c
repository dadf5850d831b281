/* An _mcount that is not Pulp's stub: ulp livepatchable must refuse the
 * library (the pads call something that does not return like the stub). */
void __attribute__((visibility("hidden"))) _mcount(void) {}
