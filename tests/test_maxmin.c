/* The fluid max-min solver (simgrad/maxmin.h): hand-computed trajectories (a lone flow, the
 * slow link that fixes three flows, a departure that speeds a flow up and one that slows
 * another down, penalties that weigh the shares, latency groups entering one after the other,
 * a bound that binds, a route without links, a dead link), and random batches against a
 * reference written from the definition: the whole max-min allocation solved again by plain
 * progressive filling at every event. */
#include "testutil.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "simgrad/maxmin.h"

#define TOL 1e-12
#define MAXF 64
#define MAXR 4

/* A batch written by hand: flow i over route[i][0..len[i]-1]. */
typedef struct batch {
    size_t n;
    size_t off[MAXF + 1];
    uint32_t ids[MAXF * MAXR];
    double bytes[MAXF], lat[MAXF], bound[MAXF];
} batch;

static void add(batch *b, double bytes, double lat, double bound, size_t len, const uint32_t *r)
{
    size_t i = b->n++;
    b->off[0] = 0;
    if (len) /* r may be NULL then */
        memcpy(&b->ids[b->off[i]], r, len * sizeof *r);
    b->off[i + 1] = b->off[i] + len;
    b->bytes[i] = bytes;
    b->lat[i] = lat;
    b->bound[i] = bound;
}

/* Run the batch on links of bandwidth cap[]: the last end into *end, each flow's into fin. */
static sgr_maxmin_stats last; /* what the last run cost */

static int run(const batch *b, size_t nlinks, const double *cap, double *end, double *fin)
{
    sgr_maxmin *m = sgr_maxmin_new(nlinks, cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    sgr_maxmin_flows fl = {b->n, b->off, b->ids, b->bytes, b->lat, b->bound};
    last = (sgr_maxmin_stats){0};
    int rc = sgr_maxmin_run(m, &fl, end, fin, &last);
    sgr_maxmin_free(m);
    return rc;
}

static void test_lone_flow(void)
{
    /* latency 0.5 s, then 100 bytes at 10 B/s */
    batch b = {0};
    add(&b, 100, 0.5, -1, 1, (uint32_t[]){0});
    double end, fin[1];
    CU_ASSERT_EQUAL_FATAL(run(&b, 1, (double[]){10}, &end, fin), 0);
    CU_ASSERT_DOUBLE_EQUAL(end, 10.5, TOL);
}

static void test_slow_link_fixes_three(void)
{
    /* links A, B of 1 B/s; x on A, y on A and B, z and w on B; 1 byte each, latency 1 s.
     * B's level 1/3 fixes y, z, w; x gets the 2/3 left on A. */
    batch b = {0};
    add(&b, 1, 1, -1, 1, (uint32_t[]){0});
    add(&b, 1, 1, -1, 2, (uint32_t[]){0, 1});
    add(&b, 1, 1, -1, 1, (uint32_t[]){1});
    add(&b, 1, 1, -1, 1, (uint32_t[]){1});
    double end, fin[4];
    CU_ASSERT_EQUAL_FATAL(run(&b, 2, (double[]){1, 1}, &end, fin), 0);
    CU_ASSERT_DOUBLE_EQUAL(fin[0], 1 + 1.5, TOL);
    for (int i = 1; i < 4; i++)
        CU_ASSERT_DOUBLE_EQUAL(fin[i], 1 + 3, TOL);
    CU_ASSERT_DOUBLE_EQUAL(end, 4, TOL);
    /* equal penalties, one start: the arrival solves the 4 flows, and the two ends (x at level
     * 2/3, then y, z, w together) leave nothing at or above their level to solve again */
    CU_ASSERT_EQUAL(last.events, 3);
    CU_ASSERT_EQUAL(last.resolved, 4);
}

static void test_departure_speeds_up(void)
{
    /* one link of 1 B/s, 1 and 3 bytes, no latency: 1/2 each until t = 2, then the second
     * alone at 1 B/s for its last 2 bytes */
    batch b = {0};
    add(&b, 1, 0, -1, 1, (uint32_t[]){0});
    add(&b, 3, 0, -1, 1, (uint32_t[]){0});
    double end, fin[2];
    CU_ASSERT_EQUAL_FATAL(run(&b, 1, (double[]){1}, &end, fin), 0);
    CU_ASSERT_DOUBLE_EQUAL(fin[0], 2, TOL);
    CU_ASSERT_DOUBLE_EQUAL(fin[1], 4, TOL);
}

static void test_departure_slows_down(void)
{
    /* A: x, y; B: y, z, w (1 B/s each, no latency). z and w (1/3 byte) leave at t = 1 at level
     * 1/3, below x's 2/3: then A binds, x = y = 1/2 (x slows down). x has 28/3 bytes left and
     * ends at 1 + 56/3; y then has 1/3 left, alone at 1 B/s. */
    batch b = {0};
    add(&b, 10, 0, -1, 1, (uint32_t[]){0});
    add(&b, 10, 0, -1, 2, (uint32_t[]){0, 1});
    add(&b, 1.0 / 3, 0, -1, 1, (uint32_t[]){1});
    add(&b, 1.0 / 3, 0, -1, 1, (uint32_t[]){1});
    double end, fin[4];
    CU_ASSERT_EQUAL_FATAL(run(&b, 2, (double[]){1, 1}, &end, fin), 0);
    CU_ASSERT_DOUBLE_EQUAL(fin[2], 1, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(fin[0], 1 + 56.0 / 3, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(fin[1], 20, 1e-9);
}

static void test_penalties_and_latency_groups(void)
{
    /* one link of 3 B/s. a (6 bytes, latency 1) enters at 1, alone at 3 B/s; b (3 bytes,
     * latency 2, penalty twice a's) enters at 2: level 3 / (1 + 1/2) = 2, a at 2 B/s, b at
     * 1 B/s. a's last 3 bytes end at 3.5; b has 1.5 left, alone at 3 B/s: ends at 4. */
    batch b = {0};
    add(&b, 6, 1, -1, 1, (uint32_t[]){0});
    add(&b, 3, 2, -1, 1, (uint32_t[]){0});
    double end, fin[2];
    CU_ASSERT_EQUAL_FATAL(run(&b, 1, (double[]){3}, &end, fin), 0);
    CU_ASSERT_DOUBLE_EQUAL(fin[0], 3.5, TOL);
    CU_ASSERT_DOUBLE_EQUAL(fin[1], 4, TOL);
}

static void test_bound_and_edges(void)
{
    /* one link of 1 B/s: a bound at 1/4 B/s, the other flow takes the 3/4 left; 1 byte each.
     * The bound flow ends at 4 (its bound still binds alone); the other at 4/3. A flow
     * without links ends at 0. */
    batch b = {0};
    add(&b, 1, 0, 0.25, 1, (uint32_t[]){0});
    add(&b, 1, 0, -1, 1, (uint32_t[]){0});
    add(&b, 5, 0, -1, 0, NULL);
    double end, fin[3];
    CU_ASSERT_EQUAL_FATAL(run(&b, 1, (double[]){1}, &end, fin), 0);
    CU_ASSERT_DOUBLE_EQUAL(fin[0], 4, TOL);
    CU_ASSERT_DOUBLE_EQUAL(fin[1], 4.0 / 3, TOL);
    CU_ASSERT_DOUBLE_EQUAL(fin[2], 0, TOL);
    /* a dead link: the flow over it can never end */
    batch d = {0};
    add(&d, 1, 0, -1, 2, (uint32_t[]){0, 1});
    CU_ASSERT_EQUAL(run(&d, 2, (double[]){1, 0}, &end, fin), -1);
}

/* --- the reference: every event, the whole allocation by plain progressive filling --- */

static void reference_rates(const batch *b, const bool *on, size_t nl, const double *cap,
                            double *rate)
{
    double rem[16];
    bool fixed[MAXF];
    memcpy(rem, cap, nl * sizeof *cap);
    for (size_t i = 0; i < b->n; i++) {
        fixed[i] = !on[i];
        rate[i] = 0;
    }
    for (;;) { /* raise every unfixed flow's level until a link (or bound) is full */
        double best = INFINITY;
        for (size_t l = 0; l < nl; l++) {
            double w = 0;
            for (size_t i = 0; i < b->n; i++)
                for (size_t e = b->off[i]; e < b->off[i + 1]; e++)
                    if (!fixed[i] && b->ids[e] == l)
                        w += 1 / (b->lat[i] > 0 ? b->lat[i] : 1);
            if (w > 0)
                best = fmin(best, rem[l] / w);
        }
        for (size_t i = 0; i < b->n; i++)
            if (!fixed[i] && b->bound[i] > 0)
                best = fmin(best, b->bound[i] * (b->lat[i] > 0 ? b->lat[i] : 1));
        if (isinf(best))
            return;
        /* fix the flows on a link that level fills, or whose bound it reaches */
        bool full[16] = {false};
        for (size_t l = 0; l < nl; l++) {
            double w = 0;
            for (size_t i = 0; i < b->n; i++)
                for (size_t e = b->off[i]; e < b->off[i + 1]; e++)
                    if (!fixed[i] && b->ids[e] == l)
                        w += 1 / (b->lat[i] > 0 ? b->lat[i] : 1);
            full[l] = w > 0 && rem[l] / w <= best * (1 + 1e-12);
        }
        for (size_t i = 0; i < b->n; i++) {
            if (fixed[i])
                continue;
            double p = b->lat[i] > 0 ? b->lat[i] : 1;
            bool hit = b->bound[i] > 0 && b->bound[i] * p <= best * (1 + 1e-12);
            for (size_t e = b->off[i]; e < b->off[i + 1]; e++)
                hit = hit || full[b->ids[e]];
            if (!hit)
                continue;
            rate[i] = best / p;
            fixed[i] = true;
            for (size_t e = b->off[i]; e < b->off[i + 1]; e++)
                rem[b->ids[e]] = fmax(rem[b->ids[e]] - rate[i], 0);
        }
    }
}

/* Event by event: latency ends, flow ends; everything solved again each time. */
static double reference_run(const batch *b, size_t nl, const double *cap, double *fin)
{
    double left[MAXF], rate[MAXF], t = 0, end = 0;
    bool on[MAXF] = {false}, done[MAXF] = {false};
    for (size_t i = 0; i < b->n; i++) {
        left[i] = b->bytes[i];
        done[i] = b->off[i + 1] == b->off[i];
        fin[i] = 0;
    }
    for (;;) {
        for (size_t i = 0; i < b->n; i++)
            on[i] = !done[i] && b->lat[i] <= t;
        reference_rates(b, on, nl, cap, rate);
        double next = INFINITY;
        for (size_t i = 0; i < b->n; i++) {
            if (!done[i] && !on[i])
                next = fmin(next, b->lat[i]);
            if (on[i] && rate[i] > 0)
                next = fmin(next, t + left[i] / rate[i]);
        }
        if (isinf(next))
            return end;
        for (size_t i = 0; i < b->n; i++) {
            if (!on[i])
                continue;
            left[i] -= rate[i] * (next - t);
            if (left[i] <= 1e-9 * b->bytes[i]) { /* rounding: ended */
                done[i] = true;
                fin[i] = end = next;
            }
        }
        t = next;
    }
}

static void random_batch(batch *b, size_t nl, double *cap, unsigned *seed)
{
    static const double lats[] = {0, 1e-6, 2e-6, 3e-6};
    memset(b, 0, sizeof *b);
    for (size_t l = 0; l < nl; l++)
        cap[l] = 1e9 * (1 + rand_r(seed) % 4);
    size_t n = 4 + (size_t)rand_r(seed) % 40;
    for (size_t i = 0; i < n; i++) {
        uint32_t r[MAXR];
        size_t len = 1 + (size_t)rand_r(seed) % (nl < MAXR ? nl : MAXR);
        for (size_t k = 0; k < len; k++) { /* distinct links */
            uint32_t l;
            bool dup;
            do {
                l = (uint32_t)((size_t)rand_r(seed) % nl);
                dup = false;
                for (size_t j = 0; j < k; j++)
                    dup = dup || r[j] == l;
            } while (dup);
            r[k] = l;
        }
        double bytes = 1e3 * (1 + rand_r(seed) % 8); /* equal sizes are frequent: ties */
        double bound = rand_r(seed) % 5 == 0 ? 2e8 * (1 + rand_r(seed) % 4) : -1;
        add(b, bytes, lats[rand_r(seed) % 4], bound, len, r);
    }
}

static void test_against_reference(void)
{
    unsigned seed = 12345;
    double worst = 0;
    for (int trial = 0; trial < 300; trial++) {
        batch b;
        double cap[16], fin[MAXF], ref[MAXF], end, rend;
        size_t nl = 2 + (size_t)trial % 10;
        random_batch(&b, nl, cap, &seed);
        CU_ASSERT_EQUAL_FATAL(run(&b, nl, cap, &end, fin), 0);
        rend = reference_run(&b, nl, cap, ref);
        for (size_t i = 0; i < b.n; i++)
            worst = fmax(worst, fabs(fin[i] - ref[i]) / fmax(ref[i], 1e-12));
        worst = fmax(worst, fabs(end - rend) / rend);
    }
    printf("\n  300 random batches: largest relative gap to the reference %.3g\n", worst);
    /* rounding only: rates over penalties of 1e-6 s, sums of weights of 1e6; a wrong rate
     * anywhere shows at 1e-3 and more */
    CU_ASSERT(worst < 1e-8);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("maxmin", NULL, NULL);
    TEST_ADD(s, test_lone_flow);
    TEST_ADD(s, test_slow_link_fixes_three);
    TEST_ADD(s, test_departure_speeds_up);
    TEST_ADD(s, test_departure_slows_down);
    TEST_ADD(s, test_penalties_and_latency_groups);
    TEST_ADD(s, test_bound_and_edges);
    TEST_ADD(s, test_against_reference);
    return test_run_all();
}
