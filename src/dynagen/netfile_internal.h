/*
 * Internal to the network-file reader (netfile.c: structure,
 * netfile_keys.c: values and keys).
 */
#ifndef DYNAGEN_NETFILE_INTERNAL_H
#define DYNAGEN_NETFILE_INTERNAL_H

#include "dynagen/netfile.h"

struct nf_ctx {
    struct nf_lab *lab;
    struct dg_diag *d;
    const char *file;
};

#define NF_ERR(c, line, ...) dg_err((c)->d, (c)->file, (line), __VA_ARGS__)
#define NF_WARN(c, line, ...) dg_warn((c)->d, (c)->file, (line), __VA_ARGS__)

/* Validate one typed value (§2.3). Returns 0 and *ival, or -1 (reported). */
int nf_check_value(struct nf_ctx *c, const struct ini_kv *kv,
                   enum nf_opt_type type, long min, long max,
                   const char *const *choices, size_t nchoices, long *ival);
int nf_check_model(struct nf_ctx *c, const struct ini_kv *kv,
                   const struct hw_model **out);
/* "model list" for messages (new string). */
char *nf_model_list(void);
int nf_is_uint(const char *s);
/* Classify and check one key of a router/defaults or a switch section. */
void nf_router_key(struct nf_ctx *c, struct nf_section *s,
                   const struct ini_kv *kv);
void nf_switch_key(struct nf_ctx *c, struct nf_section *s,
                   const struct ini_kv *kv);

#endif
