/* Hypervisor mode entry point (`dynamips -H [addr:]port`), see hv/hv.h. */
#ifndef HV_HV_MAIN_H
#define HV_HV_MAIN_H

/* Runs the hypervisor until `hypervisor stop` or a signal; exit status. */
int hypervisor_main(int argc, char **argv);

#endif
