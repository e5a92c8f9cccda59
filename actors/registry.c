/* The scenario families simgrad knows. Adding one: write its sgr_family and list it here. */
#include "simgrad/run.h"

extern const sgr_family sgr_family_ps_sgd;
extern const sgr_family sgr_family_gradient_coding;
extern const sgr_family sgr_family_token;
extern const sgr_family sgr_family_gossip;
extern const sgr_family sgr_family_fabric;
extern const sgr_family sgr_family_netprobe;

const sgr_family *const sgr_families[] = {
    &sgr_family_ps_sgd,
    &sgr_family_gradient_coding,
    &sgr_family_token,
    &sgr_family_gossip,
    &sgr_family_fabric,
    &sgr_family_netprobe,
    NULL,
};

const sgr_family_keys *const sgr_family_key_tables[] = {
    &sgr_family_ps_sgd.keys,
    &sgr_family_gradient_coding.keys,
    &sgr_family_token.keys,
    &sgr_family_gossip.keys,
    &sgr_family_fabric.keys,
    &sgr_family_netprobe.keys,
    NULL,
};
