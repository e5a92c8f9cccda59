/* simgrad: logical communication graphs (who may talk to whom), shared by the gossip and
 * token families. Pure C, no SimGrid: the graph is mapped onto the physical platform's hosts
 * by the run layer. Undirected, simple (no self-loops, no multi-edges), stored as CSR. */
#ifndef SIMGRAD_GRAPH_H
#define SIMGRAD_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "simgrad/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sgr_graph {
    size_t n;        /* nodes 0..n-1 */
    size_t m;        /* undirected edges */
    size_t *offset;  /* n+1: neighbours of i are adj[offset[i] .. offset[i+1]-1], ascending */
    size_t *adj;     /* 2m */
    size_t *edge_u, *edge_v; /* m edges, u < v, in lexicographic order */
} sgr_graph;

typedef enum {
    SGR_GRAPH_STAR,      /* node 0 the centre */
    SGR_GRAPH_CYCLE,
    SGR_GRAPH_PATH,
    SGR_GRAPH_COMPLETE,
    SGR_GRAPH_GRID,      /* rows x cols 2D grid (param rows; n must be divisible) */
    SGR_GRAPH_TORUS,     /* rows x cols 2D torus */
    SGR_GRAPH_BARBELL,   /* two cliques of n/2 joined by one edge (n even) */
    SGR_GRAPH_GEOMETRIC, /* random geometric in the unit square, radius param, made connected */
    SGR_GRAPH_ER,        /* Erdos-Renyi G(n, p), param p */
    SGR_GRAPH_REGULAR,   /* random d-regular, param d (n*d even, d < n) */
    SGR_GRAPH_WATTS,     /* Watts-Strogatz: ring lattice of degree k (param k), rewire prob beta */
    SGR_GRAPH_FILE,      /* edge list: "u v" per line, 0-based, '#' comments */
} sgr_graph_kind;

typedef struct sgr_graph_cfg {
    sgr_graph_kind kind;
    size_t n;
    size_t rows;      /* GRID, TORUS (0: as square as possible) */
    double radius;    /* GEOMETRIC */
    double p;         /* ER */
    size_t degree;    /* REGULAR, WATTS (k) */
    double beta;      /* WATTS */
    const char *path; /* FILE */
} sgr_graph_cfg;

/* Build a graph (seeded from rng where random). Errors name the scenario key (graph.n,
 * graph.degree, graph.radius, graph.p, graph.file with line number ...). Random graphs that
 * come out disconnected are retried a few times with new draws, then rejected (except
 * GEOMETRIC, which is made connected by joining each component to its nearest one). */
int sgr_graph_build(sgr_graph *g, const sgr_graph_cfg *cfg, gsl_rng *rng, sgr_err *err);

/* From an explicit edge list (u != v, u, v < n; duplicates are merged). */
int sgr_graph_from_edges(sgr_graph *g, size_t n, const size_t *u, const size_t *v, size_t m,
                         sgr_err *err);

void sgr_graph_free(sgr_graph *g);

size_t sgr_graph_degree(const sgr_graph *g, size_t i);
bool sgr_graph_connected(const sgr_graph *g);
bool sgr_graph_has_edge(const sgr_graph *g, size_t u, size_t v);

int sgr_graph_kind_parse(const char *s, sgr_graph_kind *out);
const char *sgr_graph_kind_name(sgr_graph_kind k);

#ifdef __cplusplus
}
#endif
#endif
