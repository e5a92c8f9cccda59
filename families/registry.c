/* The scenario families simgrad knows, one line each (families/<name>/ holds the rest).
 * Adding a family: write its folder with its sgr_family table named sgr_family_<name>, and
 * add X(<name>) below; nothing else changes (docs/adding-a-family.md). */
#include <stdio.h>
#include <string.h>

#include "simgrad/family.h"

#define SGR_FAMILY_LIST(X)                                                                         \
    X(ps_sgd)                                                                                      \
    X(gradient_coding)                                                                             \
    X(token)                                                                                       \
    X(gossip)                                                                                      \
    X(fabric)                                                                                      \
    X(ping)

#define DECLARE(name) extern const sgr_family sgr_family_##name;
#define TABLE(name) &sgr_family_##name,
#define KEYS(name) &sgr_family_##name.keys,

SGR_FAMILY_LIST(DECLARE)

const sgr_family *const sgr_families[] = {SGR_FAMILY_LIST(TABLE) NULL};

const sgr_family_keys *const sgr_family_key_tables[] = {SGR_FAMILY_LIST(KEYS) NULL};

const sgr_family *sgr_family_find(const char *name)
{
    for (size_t i = 0; name && sgr_families[i]; i++)
        if (strcmp(sgr_families[i]->keys.name, name) == 0)
            return sgr_families[i];
    return NULL;
}

void sgr_family_names(char *buf, size_t size)
{
    size_t used = 0, n = 0;
    while (sgr_families[n])
        n++;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                 i == 0       ? ""
                                 : i + 1 == n ? " and "
                                              : ", ",
                                 sgr_families[i]->keys.name);
}
