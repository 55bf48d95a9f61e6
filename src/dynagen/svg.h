/*
 * The topology of a lab as an SVG drawing (dynagen --svg): routers,
 * switches, LANs and host NIOs on a circle, one line per connection,
 * interface names at the ends. Deterministic.
 */
#ifndef DYNAGEN_SVG_H
#define DYNAGEN_SVG_H

#include <stdio.h>

#include "dynagen/topo.h"

void svg_write(const struct topo *t, FILE *out);

#endif
