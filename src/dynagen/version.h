/*
 * Dynagen's version: the original's command language level it follows
 * (dynagen.md §0.2, baseline 0.11.0), and the project's own version.
 */
#ifndef DYNAGEN_VERSION_H
#define DYNAGEN_VERSION_H

#include "main/version.h"

#define DYNAGEN_VERSION "0.11.0"
#define DYNAGEN_PROJECT PROJECT_NAME
#define DYNAGEN_PROJECT_VERSION PROJECT_VERSION

#endif
