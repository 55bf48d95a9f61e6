/*
 * Lab model -> topology + ordered hypervisor commands per server
 * (dynagen.md §1.2 steps 5-11, §10-§12). Deterministic, no connection:
 * the same file, dynagen.ini and idle-PC database give the same plan.
 */
#ifndef DYNAGEN_PLAN_H
#define DYNAGEN_PLAN_H

#include <stdio.h>

#include "dynagen/config.h"
#include "dynagen/netfile.h"
#include "dynagen/topo.h"

/*
 * Build the topology t and the plan p. Errors and warnings (with
 * file:line) go to d; returns 0 if there was no error.
 */
int plan_build(struct topo *t, const struct nf_lab *lab,
               const struct dg_config *cfg, struct plan *p,
               struct dg_diag *d);

/* Print per server: "[host:port]" then its commands, phases commented. */
void plan_print(const struct topo *t, const struct plan *p, FILE *out);

#endif
