/* What the files of the token family share (not installed): config.c reads and checks the
 * algorithm section, token.c runs the tokens, results.c summarises them against the theory,
 * report.c draws them. */
#ifndef SIMGRAD_FAMILY_TOKEN_H
#define SIMGRAD_FAMILY_TOKEN_H

#include <stdbool.h>
#include <gsl/gsl_rng.h>

#include "simgrad/config.h"
#include "simgrad/family.h"
#include "simgrad/graph.h"
#include "simgrad/walk.h"

enum { TOKEN_MAX_CONFIGS = 64 };

/* One configuration: a walk and, for the SRRW, its alpha. */
typedef struct tk_config {
    sgr_walk_kind kind;
    double alpha;
} tk_config;

typedef enum { TK_TARGET_UNIFORM, TK_TARGET_DEGREE, TK_TARGET_FILE } tk_target_kind;

/* The algorithm section, typed (config.c). */
typedef struct token_cfg {
    tk_config configs[TOKEN_MAX_CONFIGS]; /* algorithm.walks x algorithm.alphas */
    size_t nconfigs;
    sgr_walk_kind base;
    tk_target_kind target;
    char *target_file; /* resolved, or NULL */
    unsigned long hops;
    size_t replicas;
    double a, b, scale; /* gamma_exp, beta_exp, step_scale */
    size_t batch;       /* 0: the agent's whole data */
    size_t checkpoints, theory_max_nodes;
} token_cfg;

/* The walks' target measure on g: *target NULL for uniform, else malloc'ed (degree, or read
 * from algorithm.target_file and checked). Returns 0 or -1 with err naming the key. */
int sgr_token_read_target(const token_cfg *c, const sgr_graph *g, double **target, sgr_err *err);

typedef struct tk_state tk_state;

typedef struct tk_token {
    tk_state *ts;
    size_t config, replica;
    sgr_walk *walk;
    gsl_rng *rng;
    double *theta, *grad, *work;
    unsigned long hops;
    size_t next_checkpoint;
    /* at each checkpoint: mse, tv, visit error; filled as the token reaches it */
    double *mse, *tv, *xerr, *time;
    long diverged_hop; /* the hop after which its model was not finite, or -1 */
    bool done;
} tk_token;

struct tk_state {
    sgr_run *run;
    const token_cfg *c;
    sgr_graph graph;
    size_t np;
    double *target; /* NULL: uniform */
    size_t ncheck;
    unsigned long *check_hops;
    double *theta_star; /* per configuration: the optimum for the measure its walk samples */
    tk_token *tokens;   /* nconfigs x replicas */
    size_t finished;
    double model_bytes;
};

/* token.c */
int sgr_token_deploy(sgr_run *run, sgr_err *err);
/* results.c: the summary, its theory and the results; frees the state. */
int sgr_token_finish(sgr_run *run, sgr_err *err);

/* report.c: the family's part of `simgrad report` and `simgrad sweep`. */
extern const sgr_family_report sgr_token_report;
extern const sgr_family_sweep sgr_token_sweep;

#endif
