/* The fabric family: edge colouring, the placements' congestion against ideal spraying's,
 * balls into bins, fabric descriptions and their errors, and whole runs through the command
 * (SimGrid's link loads against the counted ones, step times against the fluid model,
 * reused steps against simulated ones, bad fabrics with exit 2). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>
#include <jansson.h>

#include "simgrad/collective.h"
#include "simgrad/fabric.h"
#include "simgrad/fabric_theory.h"
#include "testutil.h"

static char tmpdir[256];

static sgr_platform_cfg leaf_spine(size_t leaves, size_t hpl, size_t spines)
{
    sgr_platform_cfg c = {0};
    c.kind = SGR_PLAT_LEAF_SPINE;
    c.leaves = leaves;
    c.hosts_per_leaf = hpl;
    c.spines = spines;
    c.host_speed = 1e9;
    c.cores = 1;
    c.host_bw = 1e10;
    c.host_lat = 1e-6;
    c.spine_lat = 1e-6;
    c.oversubscription = 1;
    return c;
}

static sgr_platform_cfg three_tier(size_t pods, size_t leaves, size_t hpl, size_t aggs,
                                   size_t cores)
{
    sgr_platform_cfg c = leaf_spine(leaves, hpl, aggs);
    c.kind = SGR_PLAT_THREE_TIER;
    c.pods = pods;
    c.core_switches = cores;
    c.core_lat = 1e-6;
    c.core_oversub = 1;
    return c;
}

/* ---- edge colouring --------------------------------------------------------------------- */

static void test_edge_colouring_is_proper(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (int trial = 0; trial < 40; trial++) {
        size_t nl = 1 + gsl_rng_uniform_int(rng, 12), nr = 1 + gsl_rng_uniform_int(rng, 12);
        size_t ne = gsl_rng_uniform_int(rng, 300);
        uint32_t *l = malloc((ne + 1) * sizeof *l), *r = malloc((ne + 1) * sizeof *r);
        uint32_t *col = malloc((ne + 1) * sizeof *col);
        size_t *dl = calloc(nl, sizeof *dl), *dr = calloc(nr, sizeof *dr), d = 0;
        for (size_t e = 0; e < ne; e++) {
            l[e] = (uint32_t)gsl_rng_uniform_int(rng, nl);
            r[e] = (uint32_t)gsl_rng_uniform_int(rng, nr);
            d = ++dl[l[e]] > d ? dl[l[e]] : d;
            d = ++dr[r[e]] > d ? dr[r[e]] : d;
        }
        sgr_err err = {0};
        CU_ASSERT_EQUAL_FATAL(sgr_bipartite_edge_colour(nl, nr, ne, l, r, d, col, &err), 0);
        /* Konig: max degree colours suffice, and no vertex sees a colour twice */
        int *seen = calloc((nl + nr) * (d + 1), sizeof *seen);
        for (size_t e = 0; e < ne; e++) {
            CU_ASSERT(col[e] < d);
            CU_ASSERT_EQUAL(seen[l[e] * d + col[e]]++, 0);
            CU_ASSERT_EQUAL(seen[(nl + r[e]) * d + col[e]]++, 0);
        }
        if (d > 1)
            CU_ASSERT_EQUAL(sgr_bipartite_edge_colour(nl, nr, ne, l, r, d - 1, col, &err), -1);
        free(seen);
        free(l);
        free(r);
        free(col);
        free(dl);
        free(dr);
    }
    gsl_rng_free(rng);
}

/* ---- placements ------------------------------------------------------------------------- */

/* Every flow's bytes are placed exactly once, on live paths. */
static void check_conservation(const sgr_fabric *f, const sgr_flows *flows, const sgr_flows *sub)
{
    double in = 0, out = 0;
    for (size_t i = 0; i < flows->n; i++)
        in += flows->v[i].bytes;
    for (size_t i = 0; i < sub->n; i++) {
        out += sub->v[i].bytes;
        size_t a = sgr_fabric_leaf(f, sub->v[i].src), b = sgr_fabric_leaf(f, sub->v[i].dst);
        if (a != b && sub->v[i].path != SGR_PATH_SPRAY)
            CU_ASSERT(sgr_fabric_path_factor(f, a, b, (size_t)sub->v[i].path) > 0);
    }
    CU_ASSERT_DOUBLE_EQUAL(out, in, 1e-9 * in);
}

/* Planned single path with minimal splitting reaches ideal spraying's maximum congestion. */
static void check_planned(const sgr_platform_cfg *cfg, const char *failures, const sgr_flows *flows,
                          bool expect_equal)
{
    sgr_fabric f;
    sgr_err err = {0};
    CU_ASSERT_EQUAL_FATAL(sgr_fabric_init(&f, cfg, failures, &err), 0);
    sgr_flows sub = {0};
    sgr_policy_cfg pc = {SGR_POLICY_PLANNED, 1, 1};
    CU_ASSERT_EQUAL_FATAL(sgr_policy_place(&f, &pc, flows, &sub, NULL, &err), 0);
    check_conservation(&f, flows, &sub);
    double planned = sgr_congestion_count(&f, &sub), spray = sgr_congestion_spray(&f, flows);
    if (expect_equal)
        CU_ASSERT_DOUBLE_EQUAL(planned, spray, 1e-9 * spray + 1e-300);
    CU_ASSERT(planned >= spray * (1 - 1e-9)); /* spraying is optimal */
    pc.policy = SGR_POLICY_SPRAY;
    CU_ASSERT_EQUAL(sgr_policy_place(&f, &pc, flows, &sub, NULL, &err), 0);
    CU_ASSERT_DOUBLE_EQUAL(sgr_congestion_count(&f, &sub), spray, 1e-9 * spray + 1e-300);
    sgr_flows_free(&sub);
    sgr_fabric_free(&f);
}

static void test_planned_equals_spraying_on_collectives(void)
{
    static const size_t shapes[][3] = {{4, 4, 4}, {6, 5, 4}, {5, 7, 3}, {8, 4, 8}, {3, 9, 6}};
    for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++) {
        sgr_platform_cfg cfg = leaf_spine(shapes[k][0], shapes[k][1], shapes[k][2]);
        size_t n = shapes[k][0] * shapes[k][1];
        sgr_flows flows = {0};
        for (int c = SGR_COLL_RING_ALLREDUCE; c <= SGR_COLL_INCAST; c++)
            for (size_t s = 0; s < sgr_collective_steps((sgr_collective)c, n); s++) {
                CU_ASSERT_EQUAL_FATAL(sgr_collective_flows((sgr_collective)c, n, s, 1e6, &flows),
                                      0);
                check_planned(&cfg, NULL, &flows, true);
            }
        /* a whole spine down: spraying and planning use the others */
        char fail[32];
        snprintf(fail, sizeof fail, "spine:%zu", shapes[k][2] - 1);
        if (shapes[k][2] > 1)
            for (size_t s = 0; s < n - 1; s++) {
                sgr_collective_flows(SGR_COLL_ALLTOALL, n, s, 1e6, &flows);
                check_planned(&cfg, fail, &flows, true);
            }
        sgr_flows_free(&flows);
    }
}

static void test_planned_equals_spraying_on_random_traffic(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    sgr_platform_cfg cfg = leaf_spine(7, 6, 5);
    for (int trial = 0; trial < 60; trial++) {
        sgr_flows flows = {0};
        size_t nf = 1 + gsl_rng_uniform_int(rng, 200);
        for (size_t i = 0; i < nf; i++)
            sgr_flows_push(&flows, (uint32_t)gsl_rng_uniform_int(rng, 42),
                           (uint32_t)gsl_rng_uniform_int(rng, 42), 0, 4096);
        check_planned(&cfg, NULL, &flows, true);
        sgr_flows_free(&flows);
    }
    gsl_rng_free(rng);
}

static void test_planned_splits_only_when_needed(void)
{
    /* each leaf sends as many inter-leaf flows as there are spines: no split at all */
    sgr_platform_cfg cfg = leaf_spine(4, 4, 4);
    sgr_fabric f;
    sgr_err err = {0};
    CU_ASSERT_EQUAL_FATAL(sgr_fabric_init(&f, &cfg, NULL, &err), 0);
    sgr_flows flows = {0}, sub = {0};
    sgr_collective_flows(SGR_COLL_ALLTOALL, 16, 3, 1e6, &flows); /* shift 4: leaf to leaf */
    sgr_policy_cfg pc = {SGR_POLICY_PLANNED, 1, 1};
    size_t splits = 1;
    CU_ASSERT_EQUAL(sgr_policy_place(&f, &pc, &flows, &sub, &splits, &err), 0);
    CU_ASSERT_EQUAL(splits, 0);
    CU_ASSERT_EQUAL(sub.n, flows.n);
    /* shift 3: three flows per leaf over four spines, each split at most ceil(4/3)+1 ways */
    sgr_collective_flows(SGR_COLL_ALLTOALL, 16, 2, 1e6, &flows);
    CU_ASSERT_EQUAL(sgr_policy_place(&f, &pc, &flows, &sub, &splits, &err), 0);
    CU_ASSERT(splits > 0);
    CU_ASSERT(sub.n <= flows.n + 3 * 4 * 2);
    sgr_flows_free(&flows);
    sgr_flows_free(&sub);
    sgr_fabric_free(&f);
}

static void test_three_tier_planned(void)
{
    sgr_platform_cfg cfg = three_tier(3, 2, 4, 2, 3);
    size_t n = 3 * 2 * 4;
    sgr_flows flows = {0};
    for (size_t s = 0; s < n - 1; s++) {
        sgr_collective_flows(SGR_COLL_ALLTOALL, n, s, 1e6, &flows);
        check_planned(&cfg, NULL, &flows, true);
    }
    sgr_collective_flows(SGR_COLL_RING_ALLREDUCE, n, 0, 1e6, &flows);
    check_planned(&cfg, NULL, &flows, true);
    sgr_flows_free(&flows);
}

static void test_ecmp_and_ksplit_place_every_byte(void)
{
    sgr_platform_cfg cfg = leaf_spine(6, 4, 5);
    sgr_fabric f;
    sgr_err err = {0};
    CU_ASSERT_EQUAL_FATAL(sgr_fabric_init(&f, &cfg, "uplink:2/1;uplink:3/4@0.5", &err), 0);
    CU_ASSERT_FALSE(sgr_fabric_spray_aggregate(&f));
    sgr_flows flows = {0}, sub = {0};
    sgr_collective_flows(SGR_COLL_ALLTOALL, 24, 5, 1e6, &flows);
    for (int p = SGR_POLICY_ECMP; p <= SGR_POLICY_PLANNED; p++) {
        sgr_policy_cfg pc = {(sgr_policy)p, 7, 3};
        CU_ASSERT_EQUAL(sgr_policy_place(&f, &pc, &flows, &sub, NULL, &err), 0);
        check_conservation(&f, &flows, &sub);
        for (size_t i = 0; i < sub.n; i++)
            CU_ASSERT(sub.v[i].path != SGR_PATH_SPRAY); /* live paths differ: explicit */
    }
    sgr_flows_free(&flows);
    sgr_flows_free(&sub);
    sgr_fabric_free(&f);
}

/* ---- balls into bins -------------------------------------------------------------------- */

static void test_balls_into_bins(void)
{
    CU_ASSERT_DOUBLE_EQUAL(sgr_balls_max_cdf(2, 2, 1), 0.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sgr_balls_max_cdf(3, 3, 1), 6.0 / 27.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sgr_balls_max_cdf(5, 2, 2), 0.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sgr_balls_max_cdf(5, 2, 5), 1.0, 1e-12);
    /* against throwing: 20 balls into 8 bins */
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int counts[21] = {0};
    const int trials = 200000;
    for (int t = 0; t < trials; t++) {
        int bins[8] = {0}, m = 0;
        for (int b = 0; b < 20; b++) {
            int k = (int)gsl_rng_uniform_int(rng, 8);
            if (++bins[k] > m)
                m = bins[k];
        }
        counts[m]++;
    }
    double cum = 0;
    for (int m = 0; m <= 20; m++) {
        cum += (double)counts[m] / trials;
        CU_ASSERT_DOUBLE_EQUAL(sgr_balls_max_cdf(20, 8, (size_t)m), cum, 0.005);
    }
    gsl_rng_free(rng);
}

/* The hashing prediction against hashing itself, over many seeds: ECMP on a random traffic
 * matrix, where each flow lands in one leaf's uplinks and another's downlinks (the prediction
 * takes those sets as independent: within 5% of the mean). */
static void test_ecmp_expectation_matches_hashing(void)
{
    sgr_platform_cfg cfg = leaf_spine(8, 8, 8);
    sgr_fabric f;
    sgr_err err = {0};
    CU_ASSERT_EQUAL_FATAL(sgr_fabric_init(&f, &cfg, NULL, &err), 0);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    sgr_flows flows = {0}, sub = {0};
    for (size_t i = 0; i < 64; i++) /* a random permutation-like pattern */
        sgr_flows_push(&flows, (uint32_t)i, (uint32_t)gsl_rng_uniform_int(rng, 64), 0, 1e6);
    for (size_t k = 1; k <= 4; k *= 4) {
        double mean, sd, sum = 0, sq = 0;
        CU_ASSERT_EQUAL_FATAL(sgr_congestion_ecmp_expect(&f, &flows, k, NULL, &mean, &sd), 0);
        const int seeds = 3000;
        for (int s = 0; s < seeds; s++) {
            sgr_policy_cfg pc = {k == 1 ? SGR_POLICY_ECMP : SGR_POLICY_KSPLIT, (unsigned long)s + 1,
                                 k};
            sgr_policy_place(&f, &pc, &flows, &sub, NULL, &err);
            double c = sgr_congestion_count(&f, &sub);
            sum += c;
            sq += c * c;
        }
        double m = sum / seeds, msd = sqrt(sq / seeds - m * m);
        CU_ASSERT(fabs(m - mean) < 0.05 * m);
        CU_ASSERT(fabs(msd - sd) < 0.35 * msd);
    }
    gsl_rng_free(rng);
    sgr_flows_free(&flows);
    sgr_flows_free(&sub);
    sgr_fabric_free(&f);
}

/* ---- fabric descriptions ------------------------------------------------------------------ */

static void expect_error(const sgr_platform_cfg *cfg, const char *failures, const char *needle)
{
    sgr_fabric f;
    sgr_err err = {0};
    CU_ASSERT_EQUAL(sgr_fabric_init(&f, cfg, failures, &err), -1);
    if (!strstr(err.msg, needle))
        fprintf(stderr, "\nmessage \"%s\" lacks \"%s\"\n", err.msg, needle);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, needle));
}

static void test_bad_fabrics(void)
{
    sgr_platform_cfg ls = leaf_spine(4, 4, 4), tt = three_tier(2, 2, 2, 2, 2);
    expect_error(&ls, "spine:4", "no spine 4");
    expect_error(&ls, "uplink:9/0", "no link between leaf 9 and spine 0");
    expect_error(&ls, "uplink:1/1@1.5", "in (0, 1)");
    expect_error(&ls, "wing:1", "kind");
    expect_error(&ls, "agg:0/0", "three-tier");
    expect_error(&ls, "spine:0;spine:1;spine:2;spine:3", "no live path");
    expect_error(&tt, "core:2/0", "plane A in 0..1");
    expect_error(&tt, "coreup:0/0/5", "C in 0..1");
    ls.spines = 0;
    expect_error(&ls, NULL, "platform.spines");
    sgr_platform_cfg star = ls;
    star.kind = SGR_PLAT_STAR;
    expect_error(&star, NULL, "leaf-spine or three-tier");
    sgr_fabric f;
    sgr_err err = {0};
    CU_ASSERT_EQUAL(sgr_fabric_init(&f, &tt, "agg:1/0; core:1/1 ;coreup:0/1/0@0.5", &err), 0);
    CU_ASSERT_EQUAL(sgr_fabric_npaths(&f, 0, 3), 4);
    CU_ASSERT_EQUAL(sgr_fabric_npaths(&f, 0, 1), 2);
    CU_ASSERT_DOUBLE_EQUAL(sgr_fabric_path_factor(&f, 0, 2, 0), 0, 0);   /* agg 1/0 down */
    CU_ASSERT_DOUBLE_EQUAL(sgr_fabric_path_factor(&f, 0, 2, 3), 0, 0);   /* core 1/1 down */
    CU_ASSERT_DOUBLE_EQUAL(sgr_fabric_path_factor(&f, 0, 2, 2), 0.5, 0); /* slowed */
    sgr_fabric_free(&f);
}

/* ---- whole runs --------------------------------------------------------------------------- */

/* `simgrad run` on scenario text with extra args, in tmpdir; returns the exit status. */
static int run(const char *name, const char *scenario, const char *extra)
{
    return test_run_text(tmpdir, name, scenario, extra);
}

static json_t *pair(json_t *sum, const char *name)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(json_object_get(sum, "results"), "pairs"), i, p)
    {
        if (strcmp(json_string_value(json_object_get(p, "name")), name) == 0)
            return p;
    }
    return NULL;
}

static json_t *summary(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/summary.json", tmpdir, name);
    return json_load_file(path, 0, NULL);
}

static double num(json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

static const char *small =
    "{\"seed\": 3,"
    " \"platform\": {\"type\": \"leaf-spine\", \"leaves\": 4, \"hosts_per_leaf\": 4,"
    "                \"spines\": 4, \"host_bw\": \"100Gbps\", \"host_lat\": \"1us\","
    "                \"spine_lat\": \"1us\"},"
    " \"algorithm\": {\"family\": \"fabric\", \"collectives\": \"ring-allreduce,all-to-all\","
    "                 \"policies\": \"ecmp,spray,ksplit,planned\", \"bytes\": \"16MiB\"},"
    " \"simulation\": {\"network_model\": \"CM02\"}}";

static void test_runs_agree_with_counting_and_fluid_model(void)
{
    CU_ASSERT_EQUAL_FATAL(run("small", small, NULL), 0);
    json_t *sum = summary("small");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sum);
    CU_ASSERT(json_is_true(json_object_get(sum, "complete")));
    const char *names[] = {"ring-allreduce/ecmp",   "ring-allreduce/spray",
                           "ring-allreduce/ksplit", "ring-allreduce/planned",
                           "all-to-all/ecmp",       "all-to-all/spray",
                           "all-to-all/ksplit",     "all-to-all/planned"};
    for (size_t i = 0; i < 8; i++) {
        json_t *p = pair(sum, names[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        /* the routes SimGrid took and the placement's count agree */
        CU_ASSERT(num(p, "sim_vs_counted_max_gap") < 1e-9 * num(p, "max_congestion"));
        CU_ASSERT(num(p, "max_congestion") >= num(p, "spray_bound_max") * (1 - 1e-6));
    }
    /* the paper's claim: planned single path = ideal spraying in maximum congestion */
    for (size_t i = 0; i < 2; i++) {
        json_t *pl = pair(sum, i ? "all-to-all/planned" : "ring-allreduce/planned");
        json_t *sp = pair(sum, i ? "all-to-all/spray" : "ring-allreduce/spray");
        CU_ASSERT_DOUBLE_EQUAL(num(pl, "max_congestion"), num(sp, "max_congestion"),
                               1e-9 * num(sp, "max_congestion"));
        CU_ASSERT_DOUBLE_EQUAL(num(pl, "time_s"), num(sp, "time_s"), 1e-9);
    }
    /* fluid model of one ring step on a non-blocking fabric: bytes/n over the NIC, plus the
     * inter-leaf route's four link latencies: 2(n-1) such steps */
    double flow = 16.0 * 1048576 / 16, step = flow / 12.5e9 + 4e-6;
    CU_ASSERT_DOUBLE_EQUAL(num(pair(sum, "ring-allreduce/spray"), "time_s"), 30 * step,
                           1e-9 * 30 * step);
    /* the claims as the run reports them */
    size_t ci;
    json_t *claim;
    json_array_foreach(json_object_get(json_object_get(sum, "results"), "claims"), ci, claim)
    {
        CU_ASSERT(json_is_true(json_object_get(claim, "planned_equals_spray")));
        CU_ASSERT_PTR_NOT_NULL(json_object_get(claim, "ecmp_within_spread"));
    }
    CU_ASSERT_EQUAL(ci, 2);
    /* ECMP is never better than spraying on all-to-all */
    CU_ASSERT(num(pair(sum, "all-to-all/ecmp"), "time_s") >=
              num(pair(sum, "all-to-all/spray"), "time_s"));
    json_decref(sum);
    char path[512];
    snprintf(path, sizeof path, "%s/small/link_loads.csv", tmpdir);
    CU_ASSERT_EQUAL(access(path, R_OK), 0);
}

static void test_reused_steps_equal_simulated_ones(void)
{
    CU_ASSERT_EQUAL_FATAL(run("reuse", small,
                              "--set algorithm.collectives='\"ring-allreduce\"' "
                              "--set algorithm.reuse_equivalent_steps=false"),
                          0);
    CU_ASSERT_EQUAL_FATAL(run("noreuse", small,
                              "--set algorithm.collectives='\"ring-allreduce\"' "
                              "--set algorithm.reuse_identical_steps=false "
                              "--set algorithm.reuse_equivalent_steps=false"),
                          0);
    json_t *a = summary("reuse"), *b = summary("noreuse");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    const char *pol[] = {"ring-allreduce/ecmp", "ring-allreduce/spray", "ring-allreduce/ksplit",
                         "ring-allreduce/planned"};
    for (size_t i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(num(pair(a, pol[i]), "simulated_steps"), 1);
        CU_ASSERT_EQUAL(num(pair(b, pol[i]), "simulated_steps"), 30);
        CU_ASSERT_DOUBLE_EQUAL(num(pair(a, pol[i]), "time_s"), num(pair(b, pol[i]), "time_s"),
                               1e-9 * num(pair(b, pol[i]), "time_s"));
    }
    json_decref(a);
    json_decref(b);
}

static char *slurp(const char *run_name, const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/%s", tmpdir, run_name, file);
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = calloc((size_t)n + 1, 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* metrics.csv without its `reused` column (the 4th), which says how each step got its time. */
static void drop_reused_column(char *csv)
{
    char *out = csv;
    int field = 0;
    for (const char *c = csv; *c; c++) {
        if (*c == ',')
            field++;
        if (*c == '\n')
            field = 0;
        if (field != 3) /* field 3 with the comma before it */
            *out++ = *c;
    }
    *out = '\0';
}

/* All-to-all steps equal up to a relabelling of links are simulated once (spraying and
 * planned paths on 8 leaves x 4 hosts: a shift's remainder modulo 4 and whether it stays in
 * the leaf, wraps, or neither), and every number of the run stays what simulating each step
 * gives: step times, congestion, link loads, to the last digit. */
static void test_equivalent_steps_equal_simulated_ones(void)
{
    const char *set = "--set platform.leaves=8 --set algorithm.collectives='\"all-to-all\"' "
                      "--set algorithm.policies='\"ecmp,spray,planned\"'";
    char args[512];
    CU_ASSERT_EQUAL_FATAL(run("equiv", small, set), 0);
    snprintf(args, sizeof args, "%s --set algorithm.reuse_equivalent_steps=false", set);
    CU_ASSERT_EQUAL_FATAL(run("noequiv", small, args), 0);
    json_t *a = summary("equiv"), *b = summary("noequiv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    const char *pol[] = {"all-to-all/spray", "all-to-all/planned"};
    for (size_t i = 0; i < 2; i++) {
        json_t *p = pair(a, pol[i]), *q = pair(b, pol[i]);
        CU_ASSERT_EQUAL(num(q, "simulated_steps"), 31);
        CU_ASSERT(num(p, "simulated_steps") < 31);
        CU_ASSERT_EQUAL(num(p, "simulated_steps") + num(p, "equivalent_steps"), 31);
        CU_ASSERT_EQUAL(num(p, "time_s"), num(q, "time_s"));
        CU_ASSERT_EQUAL(num(p, "mean_congestion"), num(q, "mean_congestion"));
        CU_ASSERT_EQUAL(num(p, "max_congestion"), num(q, "max_congestion"));
    }
    /* spraying on a healthy leaf-spine: a shift m = 4q + r sends 4 - r flows of each leaf to
     * leaf +q and r to leaf +q+1. Classes: q = 0 (r = 1..3, part stays in the leaf), q = 7
     * with r > 0 (part wraps back to the leaf), and the rest by r: 3 + 3 + 4 */
    CU_ASSERT_EQUAL(num(pair(a, "all-to-all/spray"), "simulated_steps"), 10);
    char *ma = slurp("equiv", "metrics.csv"), *mb = slurp("noequiv", "metrics.csv");
    char *la = slurp("equiv", "link_loads.csv"), *lb = slurp("noequiv", "link_loads.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ma);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mb);
    CU_ASSERT(strstr(ma, ",2,") != NULL); /* some steps were timed by an equivalent one */
    drop_reused_column(ma);
    drop_reused_column(mb);
    CU_ASSERT_STRING_EQUAL(ma, mb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(la);
    CU_ASSERT_STRING_EQUAL(la, lb);
    free(ma);
    free(mb);
    free(la);
    free(lb);
    json_decref(a);
    json_decref(b);
}

/* Two metrics.csv files, without their `reused` column, agree field by field: numbers within
 * `rel` of each other, the rest the same. */
static bool csv_agree(char *a, char *b, double rel)
{
    drop_reused_column(a);
    drop_reused_column(b);
    char *sa, *sb;
    char *ta = strtok_r(a, ",\n", &sa), *tb = strtok_r(b, ",\n", &sb);
    for (; ta && tb; ta = strtok_r(NULL, ",\n", &sa), tb = strtok_r(NULL, ",\n", &sb)) {
        char *ea, *eb;
        double x = strtod(ta, &ea), y = strtod(tb, &eb);
        bool numbers = ea != ta && eb != tb && !*ea && !*eb;
        if (numbers ? fabs(x - y) > rel * fmax(fabs(x), fabs(y)) : strcmp(ta, tb) != 0) {
            fprintf(stderr, "\n  differ: %s against %s\n", ta, tb);
            return false;
        }
    }
    return !ta && !tb;
}

/* algorithm.step_solver "fluid" gives the step times SimGrid gives, on every collective and
 * policy: a healthy leaf-spine, failed and slowed uplinks with incast and reduce-scatter, and
 * a three-tier fabric without host latency (intra- and inter-pod subflows then share links at
 * different penalties) with a 3-way split. Step times, congestion and link loads agree. */
static void test_fluid_solver_equals_simgrid(void)
{
    const char *cases[] = {
        "",
        "--set algorithm.failures='\"uplink:1/2;uplink:2/0@0.5\"' "
        "--set algorithm.collectives='\"all-to-all,incast,reduce-scatter\"'",
        "--set platform.type='\"three-tier\"' --set platform.pods=3 --set platform.leaves=2 "
        "--set platform.core_switches=3 --set platform.host_lat='\"0us\"' --set algorithm.k=3 "
        "--set algorithm.collectives='\"all-to-all,incast\"' --set algorithm.hash_seeds=4",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char args[768], sg[32], fl[32];
        snprintf(sg, sizeof sg, "solver-sg%zu", i);
        snprintf(fl, sizeof fl, "solver-fluid%zu", i);
        CU_ASSERT_EQUAL_FATAL(run(sg, small, cases[i]), 0);
        snprintf(args, sizeof args, "%s --set algorithm.step_solver='\"fluid\"'", cases[i]);
        CU_ASSERT_EQUAL_FATAL(run(fl, small, args), 0);
        char *ma = slurp(sg, "metrics.csv"), *mb = slurp(fl, "metrics.csv");
        char *la = slurp(sg, "link_loads.csv"), *lb = slurp(fl, "link_loads.csv");
        CU_ASSERT_FATAL(ma && mb && la && lb);
        CU_ASSERT(strlen(ma) > 1000);
        CU_ASSERT(csv_agree(ma, mb, 1e-9));
        CU_ASSERT_STRING_EQUAL(la, lb);
        free(ma);
        free(mb);
        free(la);
        free(lb);
    }
    /* a SimGrid setting the solver does not reproduce, given on the command line: refused */
    CU_ASSERT_EQUAL(run("solver-ws", small,
                        "--set algorithm.step_solver='\"fluid\"' --cfg=network/weight-S:100"),
                    1);
    char *e = slurp("solver-ws", "summary.json");
    CU_ASSERT(e && strstr(e, "network/weight-S is not 0"));
    free(e);
}

/* Hash seeds give a single-pattern collective (a ring) its spread: the mean over seeds of
 * ECMP's and k-split's busiest link against balls into bins, and every seed's run of the
 * ring takes the same time (the NICs bind), so the mean time is that time. */
static void test_hash_seeds_give_a_spread(void)
{
    CU_ASSERT_EQUAL_FATAL(run("seeds", small,
                              "--set algorithm.collectives='\"ring-allreduce\"' "
                              "--set algorithm.hash_seeds=40"),
                          0);
    json_t *s = summary("seeds");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    json_t *ks = pair(s, "ring-allreduce/ksplit"), *ec = pair(s, "ring-allreduce/ecmp");
    CU_ASSERT_EQUAL(num(ks, "hash_seeds"), 40);
    /* one distinct step per seed: simulated, or timed by an equivalent one */
    CU_ASSERT_EQUAL(num(ks, "simulated_steps") + num(ks, "equivalent_steps"), 40);
    CU_ASSERT_EQUAL(num(ks, "steps"), 30);
    double m = num(ks, "mean_congestion"), e = num(ks, "expected_mean_congestion");
    double sd = num(ks, "sd_congestion");
    CU_ASSERT(sd > 0);
    CU_ASSERT(fabs(m - e) < 3 * sd / sqrt(40.0) + 0.05 * e);
    CU_ASSERT_DOUBLE_EQUAL(num(ec, "time_s"), num(pair(s, "ring-allreduce/spray"), "time_s"), 1e-9);
    json_decref(s);
}

static void test_three_tier_and_failures_run(void)
{
    CU_ASSERT_EQUAL_FATAL(run("tt", small,
                              "--set platform.type='\"three-tier\"' --set platform.pods=2 "
                              "--set platform.leaves=2 --set platform.spines=2 "
                              "--set platform.core_switches=2"),
                          0);
    json_t *s = summary("tt");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    json_t *pl = pair(s, "all-to-all/planned"), *sp = pair(s, "all-to-all/spray");
    CU_ASSERT_DOUBLE_EQUAL(num(pl, "max_congestion"), num(sp, "max_congestion"),
                           1e-6 * num(sp, "max_congestion"));
    json_decref(s);
    /* an uplink down: spraying goes explicit, loads still agree with the count */
    CU_ASSERT_EQUAL_FATAL(
        run("fail", small, "--set algorithm.failures='\"uplink:1/2;uplink:3/0@0.5\"'"), 0);
    s = summary("fail");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(json_object_get(s, "results"), "pairs"), i, p)
        CU_ASSERT(num(p, "sim_vs_counted_max_gap") < 1e-9 * num(p, "max_congestion"));
    json_decref(s);
}

static void expect_exit2(const char *name, const char *extra, const char *needle)
{
    CU_ASSERT_EQUAL(run(name, small, extra), 2);
    char path[512], buf[4096] = {0};
    snprintf(path, sizeof path, "%s/%s.err", tmpdir, name);
    FILE *f = fopen(path, "r");
    if (f) {
        fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
    }
    if (!strstr(buf, needle))
        fprintf(stderr, "\n%s: stderr \"%s\" lacks \"%s\"\n", name, buf, needle);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, needle));
}

static void test_bad_scenarios_exit_2(void)
{
    expect_exit2("nospine", "--set platform.spines=0", "platform.spines");
    expect_exit2("missing", "--set algorithm.failures='\"spine:7\"'", "no spine 7");
    expect_exit2("badlink", "--set algorithm.failures='\"uplink:4/0\"'", "leaf 4");
    expect_exit2("star", "--set platform.type='\"star\"'", "leaf-spine or three-tier");
    expect_exit2("coll", "--set algorithm.collectives='\"ring,all-to-all\"'", "unknown item");
    expect_exit2("pol", "--set algorithm.policies='\"ecmp,ecmp\"'", "listed twice");
    expect_exit2("hosts", "--set platform.hosts=20", "do not divide as configured");
    expect_exit2("ttmissing",
                 "--set platform.type='\"three-tier\"' --set algorithm.failures='\"agg:5/0\"'",
                 "agg:P/A");
    expect_exit2("fluidlv08",
                 "--set algorithm.step_solver='\"fluid\"' "
                 "--set simulation.network_model='\"LV08\"'",
                 "reproduces SimGrid's CM02");
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/sgr_fabric_XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("fabric", NULL, NULL);
    TEST_ADD(s, test_edge_colouring_is_proper);
    TEST_ADD(s, test_planned_equals_spraying_on_collectives);
    TEST_ADD(s, test_planned_equals_spraying_on_random_traffic);
    TEST_ADD(s, test_planned_splits_only_when_needed);
    TEST_ADD(s, test_three_tier_planned);
    TEST_ADD(s, test_ecmp_and_ksplit_place_every_byte);
    TEST_ADD(s, test_balls_into_bins);
    TEST_ADD(s, test_ecmp_expectation_matches_hashing);
    TEST_ADD(s, test_bad_fabrics);
    TEST_ADD(s, test_runs_agree_with_counting_and_fluid_model);
    TEST_ADD(s, test_reused_steps_equal_simulated_ones);
    TEST_ADD(s, test_equivalent_steps_equal_simulated_ones);
    TEST_ADD(s, test_fluid_solver_equals_simgrid);
    TEST_ADD(s, test_hash_seeds_give_a_spread);
    TEST_ADD(s, test_three_tier_and_failures_run);
    TEST_ADD(s, test_bad_scenarios_exit_2);
    int rc = test_run_all();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        rc = rc ? rc : 1;
    return rc;
}
