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

/* Build a graph of the kind cfg->kind into g (seeded from rng where random; rng may be NULL
 * for the deterministic kinds and FILE). Only the fields of cfg that the kind uses are read.
 * GRID and TORUS with rows = 0 take the most square factorization rows x cols of n (rows <=
 * cols, so a prime n gives a 1 x n path; for TORUS both must be >= 3 so the torus is simple).
 * Errors name the scenario key (graph.n, graph.rows, graph.radius, graph.p, graph.degree,
 * graph.beta, graph.file with line number). Random graphs that come out disconnected are
 * redrawn up to 20 times, then rejected (except GEOMETRIC, which is made connected, see
 * sgr_graph_build_geometric). A FILE graph may be disconnected: the caller checks
 * sgr_graph_connected and reports. On error -1 is returned and g is left empty (safe to
 * free). */
int sgr_graph_build(sgr_graph *g, const sgr_graph_cfg *cfg, gsl_rng *rng, sgr_err *err);

/* From an explicit edge list (u != v, u, v < n; duplicates, in either orientation, are
 * merged). Runs in O(n + m). On error -1 is returned and g is left empty. */
int sgr_graph_from_edges(sgr_graph *g, size_t n, const size_t *u, const size_t *v, size_t m,
                         sgr_err *err);

/* Free g's arrays and leave it empty; g may be empty already. Can't fail. */
void sgr_graph_free(sgr_graph *g);

/* Number of neighbours of i (0 if i >= n). Can't fail. */
size_t sgr_graph_degree(const sgr_graph *g, size_t i);
/* Whether every node reaches every other (BFS; a graph of 0 or 1 node is connected). Returns
 * false if its work array can't be allocated. */
bool sgr_graph_connected(const sgr_graph *g);
/* Whether {u, v} is an edge (binary search in the shorter adjacency list). Can't fail. */
bool sgr_graph_has_edge(const sgr_graph *g, size_t u, size_t v);

/* Names: "star", "cycle", "path", "complete", "grid", "torus", "barbell", "geometric",
 * "erdos-renyi", "regular", "watts-strogatz", "file". parse returns -1 for anything else. */
int sgr_graph_kind_parse(const char *s, sgr_graph_kind *out);
const char *sgr_graph_kind_name(sgr_graph_kind k);

/* Per-kind builders for the random kinds and FILE; sgr_graph_build validates nothing more and
 * calls these, so the same rng state gives the same graph either way. Each returns 0, or -1
 * with a message naming the scenario key, g left empty. */

/* Random geometric graph: n points uniform in the unit square (x, y drawn in node order),
 * an edge when their distance is <= radius (compared as squared distances), found through a
 * grid of cells so the cost is O(n + m). Then, while there are several components, every
 * component but the largest is joined to its nearest other component by the shortest edge
 * between them (Boruvka rounds; the added edges belong to a Euclidean minimum spanning
 * forest of the components, so they are as short as possible and may exceed radius). If xy
 * is not NULL it receives the 2n coordinates (x of node i at xy[2i], y at xy[2i+1]). */
int sgr_graph_build_geometric(sgr_graph *g, size_t n, double radius, gsl_rng *rng, double *xy,
                              sgr_err *err);
/* G(n, p) by geometric skipping (Batagelj-Brandes), O(n + m); redrawn until connected. */
int sgr_graph_build_erdos_renyi(sgr_graph *g, size_t n, double p, gsl_rng *rng, sgr_err *err);
/* Random d-regular graph, Steger-Wormald pairing (pairs of free stubs drawn uniformly among
 * those that keep the graph simple, restart when stuck). d > (n-1)/2 is drawn as the
 * complement of a random (n-1-d)-regular graph, where pairing does not stall; d = 2 is a
 * uniform random Hamiltonian cycle (the connected 2-regular graphs). Redrawn until
 * connected. */
int sgr_graph_build_regular(sgr_graph *g, size_t n, size_t d, gsl_rng *rng, sgr_err *err);
/* Watts-Strogatz: ring lattice joining each node to its k/2 nearest on each side, then edge
 * (u, u+j) rewired with probability beta to (u, w), w uniform among the nodes that keep the
 * graph simple (as networkx does). Always n*k/2 edges. Redrawn until connected. */
int sgr_graph_build_watts(sgr_graph *g, size_t n, size_t k, double beta, gsl_rng *rng,
                          sgr_err *err);
/* Edge list file: "u v" per line, 0-based, '#' starts a comment, blank lines allowed,
 * duplicates merged. n = 0: n is 1 + the largest index (below 10^8); n > 0: indices must be < n.
 * Errors read "graph.file PATH:LINE: ...". */
int sgr_graph_load_file(sgr_graph *g, const char *path, size_t n, sgr_err *err);

/* A sequence of graphs on n (> 0) nodes from edge lists (time-varying gossip). If path holds
 * "{k}", graph k comes from path with "{k}" replaced by k, for k = 0..count-1, each file "u v"
 * per line; otherwise one file of "u v" lines (one graph) or "g u v" lines (graph id g; the
 * ids must run 0..K-1 with edges each, giving K graphs). Fields are separated by blanks or
 * commas, '#' starts a comment, a first line of names ("graph,u,v") is skipped, duplicates
 * merge. *graphs (malloc'ed, *k graphs) may be disconnected: the caller checks. Errors read
 * "graph.file PATH:LINE: ..." (a node out of range, a bad field, a self-loop) or name the
 * file and graph. */
int sgr_graph_load_sequence(const char *path, size_t n, size_t count, sgr_graph **graphs,
                            size_t *k, sgr_err *err);

#ifdef __cplusplus
}
#endif
#endif
