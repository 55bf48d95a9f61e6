/*
 * dynagen --check lab.net SCRIPT: load the lab, drive router consoles
 * from a script, match their output, reset, exit 0 (every expectation
 * met) or 1. For configuration checks in users' CI.
 *
 * Script lines (# comments; strings in "double quotes" with \" \\ \r \n
 * escapes; /regex/ is a POSIX extended regular expression):
 *
 *   expect ROUTER "text"|/regex/ [SECONDS]   wait for console output
 *                                            (default 60 s); "wait" is
 *                                            the same
 *   send ROUTER "text"                       type a line (Enter appended)
 *   sendraw ROUTER "text"                    type text as is
 *   sleep SECONDS
 *   cli COMMAND...                           a dynagen CLI command
 *
 * expect searches the output after the previous match on that console.
 */
#ifndef DYNAGEN_CHECK_H
#define DYNAGEN_CHECK_H

#include "dynagen/lab.h"

int check_run(struct lab *l, const char *script);

#endif
