/* DADAO replayed by `simgrad run` against an oracle written here from the paper's equations
 * (Nabli & Oyallon, ICML 2023, section 3; constants of section 3.3 and the authors'
 * optimizers.py:157-174), not from simgrad's functions: a 4-node least-squares problem with
 * per-node data (a node column), a start x0 per node, and a sequence of two graphs (a path and
 * a cycle in one edge CSV with a graph-id column) switched every 1/chi1 time units. The test
 * writes an event log of its own (another simulator's: t, kind, i, j only), simgrad replays it
 * and writes events.csv; every event's relative error must match the oracle's, for both error
 * measures. Then events.csv itself is replayed: the same error sequence to 1e-12.
 *
 * The oracle: each node carries (x, x~, y, y~, z, z~); between events
 *   x' = eta (x~ - x), x~' = eta~ (x - x~), y' = alpha (y~ - y),
 *   y~' = -theta (nu x~ + y + z), z' = alpha (z~ - z), z~' = alpha~ (z - z~),
 * integrated exactly with a matrix exponential computed here (Taylor series with scaling and
 * squaring); a gradient at i jumps x -= gamma g, x~ -= gamma~ g, y~ += (delta + delta~) g with
 * g = grad f_i(x) - nu x - y~; a gossip on (i, j) jumps z -= beta p, z~ -= beta~ p at i and
 * the opposite at j, p = (y + z)_i - (y + z)_j. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

enum { N = 4, D = 2, ROWS_MAX = 8 };

static const double L2 = 0.1, MU = 0.2, LS = 5.0; /* problem.mu, problem.L */

typedef struct node_data {
    int m;
    double X[ROWS_MAX][D], y[ROWS_MAX];
} node_data;

static node_data data[N];
static double x0[N][D], xstar[D];
static char dir[256];

/* ---- the problem ---- */

static void make_data(void)
{
    unsigned long s = 12345;
    for (int i = 0; i < N; i++) {
        data[i].m = 3 + i; /* nodes hold 3, 4, 5, 6 rows */
        for (int r = 0; r < data[i].m; r++) {
            for (int k = 0; k < D; k++) {
                s = s * 6364136223846793005UL + 1442695040888963407UL;
                data[i].X[r][k] = (double)(s >> 11) / 9007199254740992.0 * 2 - 1 + 0.3 * i;
            }
            data[i].y[r] = 1.5 * data[i].X[r][0] - 0.5 * data[i].X[r][1] + 0.2 * i - 0.1 * r;
        }
        x0[i][0] = 1.0 - 0.5 * i;
        x0[i][1] = -0.7 + 0.3 * i;
    }
}

/* grad f_i(w), f_i = (1/2m) |X w - y|^2 + l2/2 |w|^2 (simgrad's lsq, docs/model.md) */
static void grad_f(int i, const double *w, double *g)
{
    const node_data *p = &data[i];
    for (int k = 0; k < D; k++)
        g[k] = L2 * w[k];
    for (int r = 0; r < p->m; r++) {
        double res = -p->y[r];
        for (int k = 0; k < D; k++)
            res += p->X[r][k] * w[k];
        for (int k = 0; k < D; k++)
            g[k] += res * p->X[r][k] / p->m;
    }
}

/* x* of (1/n) sum_i f_i: the 2 x 2 normal equations by Cramer's rule */
static void solve_xstar(void)
{
    double H[2][2] = {{L2, 0}, {0, L2}}, b[2] = {0, 0};
    for (int i = 0; i < N; i++)
        for (int r = 0; r < data[i].m; r++)
            for (int j = 0; j < D; j++) {
                for (int k = 0; k < D; k++)
                    H[j][k] += data[i].X[r][j] * data[i].X[r][k] / data[i].m / N;
                b[j] += data[i].X[r][j] * data[i].y[r] / data[i].m / N;
            }
    double det = H[0][0] * H[1][1] - H[0][1] * H[1][0];
    xstar[0] = (b[0] * H[1][1] - H[0][1] * b[1]) / det;
    xstar[1] = (H[0][0] * b[1] - H[1][0] * b[0]) / det;
}

/* ---- the graphs: G0 the path 0-1-2-3, G1 the cycle 0-1-2-3-0 ---- */

static int has_edge(int g, int a, int b)
{
    int lo = a < b ? a : b, hi = a < b ? b : a;
    return (hi - lo == 1) || (g == 1 && lo == 0 && hi == 3);
}

/* chi1 = max_k |E_k| / lambda2(G_k): path lambda2 = 2 - sqrt 2, cycle of 4 lambda2 = 2;
 * chi2 = max_k |E_k| max_e R_e / 2: path R_e = 1, cycle R_e = 3/4; both give 3/2 */
static const double CHI2 = 1.5;
static double chi1(void)
{
    return fmax(3.0 / (2.0 - sqrt(2.0)), 4.0 / 2.0);
}

/* ---- the oracle ---- */

typedef struct oracle {
    double v[N][6][D]; /* x, x~, y, y~, z, z~ */
    double t_last[N];
    double M[6][6];
    double nu, beta, beta_t, delta, delta_t, gamma, gamma_t;
} oracle;

static void oracle_init(oracle *o)
{
    memset(o, 0, sizeof *o);
    double nu = MU / 2, r = sqrt(nu / LS), lambda_mix = sqrt(2 * chi1() * CHI2);
    double alpha = r / 4, alpha_t = r / 8, eta = r / 8, eta_t = r / 8, theta = 0.5 / r;
    o->nu = nu;
    o->beta = 0.5;
    o->beta_t = 2 * (chi1() / lambda_mix) / r;
    o->delta = r / 4;
    o->delta_t = 1;
    o->gamma = 1 / (4 * LS);
    o->gamma_t = 1 / (4 * sqrt(LS * nu));
    /* x' = eta (x~ - x) */
    o->M[0][0] = -eta, o->M[0][1] = eta;
    /* x~' = eta~ (x - x~) */
    o->M[1][0] = eta_t, o->M[1][1] = -eta_t;
    /* y' = alpha (y~ - y) */
    o->M[2][2] = -alpha, o->M[2][3] = alpha;
    /* y~' = -theta (nu x~ + y + z) */
    o->M[3][1] = -theta * nu, o->M[3][2] = -theta, o->M[3][4] = -theta;
    /* z' = alpha (z~ - z), z~' = alpha~ (z - z~) */
    o->M[4][4] = -alpha, o->M[4][5] = alpha;
    o->M[5][4] = alpha_t, o->M[5][5] = -alpha_t;
    for (int i = 0; i < N; i++)
        for (int k = 0; k < D; k++)
            o->v[i][0][k] = x0[i][k];
}

static void matmul(double A[6][6], double B[6][6], double C[6][6])
{
    double T[6][6] = {{0}};
    for (int a = 0; a < 6; a++)
        for (int b = 0; b < 6; b++)
            for (int c = 0; c < 6; c++)
                T[a][b] += A[a][c] * B[c][b];
    memcpy(C, T, sizeof T);
}

/* E = exp(M dt): scale by 2^-s until the norm is below 1/2, Taylor to degree 30, square s
 * times. */
static void expm(const oracle *o, double dt, double E[6][6])
{
    double A[6][6], norm = 0;
    for (int a = 0; a < 6; a++)
        for (int b = 0; b < 6; b++) {
            A[a][b] = o->M[a][b] * dt;
            norm = fmax(norm, fabs(A[a][b]) * 6);
        }
    int s = 0;
    while (norm > 0.5) {
        norm /= 2;
        s++;
    }
    double term[6][6], sum[6][6];
    for (int a = 0; a < 6; a++)
        for (int b = 0; b < 6; b++) {
            A[a][b] = ldexp(A[a][b], -s);
            term[a][b] = sum[a][b] = a == b;
        }
    for (int q = 1; q <= 30; q++) {
        matmul(term, A, term);
        for (int a = 0; a < 6; a++)
            for (int b = 0; b < 6; b++) {
                term[a][b] /= q;
                sum[a][b] += term[a][b];
            }
    }
    for (int q = 0; q < s; q++)
        matmul(sum, sum, sum);
    memcpy(E, sum, sizeof sum);
}

/* node i's six vectors carried to t (into out, the state untouched) */
static void flow(const oracle *o, int i, double t, double out[6][D])
{
    double E[6][6];
    expm(o, t - o->t_last[i], E);
    for (int a = 0; a < 6; a++)
        for (int k = 0; k < D; k++) {
            out[a][k] = 0;
            for (int b = 0; b < 6; b++)
                out[a][k] += E[a][b] * o->v[i][b][k];
        }
}

static void advance(oracle *o, int i, double t)
{
    if (t > o->t_last[i]) {
        double out[6][D];
        flow(o, i, t, out);
        memcpy(o->v[i], out, sizeof out);
    }
    o->t_last[i] = t;
}

static void oracle_gradient(oracle *o, int i, double t)
{
    advance(o, i, t);
    double g[D], *x = o->v[i][0], *xt = o->v[i][1], *yt = o->v[i][3];
    grad_f(i, x, g);
    for (int k = 0; k < D; k++) {
        double h = g[k] - o->nu * x[k] - yt[k];
        x[k] -= o->gamma * h;
        xt[k] -= o->gamma_t * h;
        yt[k] += (o->delta + o->delta_t) * h;
    }
}

static void oracle_gossip(oracle *o, int i, int j, double t)
{
    advance(o, i, t);
    advance(o, j, t);
    for (int k = 0; k < D; k++) {
        double p = (o->v[i][2][k] + o->v[i][4][k]) - (o->v[j][2][k] + o->v[j][4][k]);
        o->v[i][4][k] -= o->beta * p;
        o->v[i][5][k] -= o->beta_t * p;
        o->v[j][4][k] += o->beta * p;
        o->v[j][5][k] += o->beta_t * p;
    }
}

/* mean_i |x_i - x*|^2: each node as of its last event, or carried to t */
static double oracle_error(const oracle *o, double t, int flow_measure)
{
    double sum = 0;
    for (int i = 0; i < N; i++) {
        double w[6][D];
        if (flow_measure)
            flow(o, i, t, w);
        else
            memcpy(w, o->v[i], sizeof w);
        for (int k = 0; k < D; k++)
            sum += (w[0][k] - xstar[k]) * (w[0][k] - xstar[k]);
    }
    return sum / N;
}

/* ---- the files ---- */

typedef struct event {
    double t;
    int grad, i, j;
} event;

enum { MAXEV = 400 };
static event evs[MAXEV];
static int nev;

/* Events of rate 8 per unit up to t = 20; gossips on an edge of the graph in force at t (graph
 * floor(t chi1) mod 2, as graph.switch chi1 says). */
static void make_events(void)
{
    unsigned long s = 99;
    double t = 0;
    nev = 0;
    while (nev < MAXEV) {
        s = s * 6364136223846793005UL + 1442695040888963407UL;
        double u = ((double)(s >> 11) + 0.5) / 9007199254740992.0;
        t += -log(u) / 8.0;
        if (t > 20)
            break;
        s = s * 6364136223846793005UL + 1442695040888963407UL;
        int pick = (int)((s >> 33) % 100);
        event *e = &evs[nev++];
        e->t = t;
        e->grad = pick < 50;
        e->i = pick % N;
        e->j = (e->i + 1) % N;
        int g = (int)floor(t * chi1()) % 2;
        if (!e->grad && !has_edge(g, e->i, e->j)) /* 3-0 is only in the cycle */
            e->j = e->i - 1;
    }
}

static void write_files(void)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof path, "%s/data.csv", dir);
    f = fopen(path, "w");
    fprintf(f, "node,y,a,b\n");
    for (int i = N - 1; i >= 0; i--) /* rows of different nodes interleaved: no order assumed */
        for (int r = 0; r < data[i].m; r++)
            fprintf(f, "%d,%.17g,%.17g,%.17g\n", i, data[i].y[r], data[i].X[r][0], data[i].X[r][1]);
    fclose(f);
    snprintf(path, sizeof path, "%s/x0.csv", dir);
    f = fopen(path, "w");
    for (int i = 0; i < N; i++)
        fprintf(f, "%.17g,%.17g\n", x0[i][0], x0[i][1]);
    fclose(f);
    snprintf(path, sizeof path, "%s/graphs.csv", dir);
    f = fopen(path, "w");
    fprintf(f, "graph,u,v\n0,0,1\n0,1,2\n0,2,3\n1,0,1\n1,1,2\n1,2,3\n1,3,0\n");
    fclose(f);
    snprintf(path, sizeof path, "%s/log.csv", dir);
    f = fopen(path, "w");
    fprintf(f, "t,kind,i,j\n");
    for (int k = 0; k < nev; k++)
        if (evs[k].grad)
            fprintf(f, "%.17g,gradient,%d,\n", evs[k].t, evs[k].i);
        else
            fprintf(f, "%.17g,gossip,%d,%d\n", evs[k].t, evs[k].i, evs[k].j);
    fclose(f);
    snprintf(path, sizeof path, "%s/s.json", dir);
    f = fopen(path, "w");
    fprintf(f,
            "{\"seed\": 1, \"platform\": {\"type\": \"star\", \"hosts\": 4},\n"
            " \"workload\": {\"model\": \"lsq\", \"dataset\": \"csv\", \"path\": \"data.csv\",\n"
            "   \"label_column\": \"y\", \"partition\": \"column\", \"l2\": 0.1, \"bias\": "
            "false},\n"
            " \"problem\": {\"mu\": 0.2, \"L\": 5},\n"
            " \"graph\": {\"type\": \"file\", \"file\": \"graphs.csv\", \"switch\": \"chi1\"},\n"
            " \"algorithm\": {\"family\": \"gossip\", \"methods\": \"dadao\", \"instant\": true,\n"
            "   \"duration\": 25, \"x0\": \"x0.csv\", \"replay\": \"log.csv\"},\n"
            " \"output\": {\"events\": true}}\n");
    fclose(f);
}

/* Run simgrad on the scenario with extra --set arguments into dir/out; 0 on success. */
static int run_simgrad(const char *out, const char *sets)
{
    const char *bin = getenv("SIMGRAD_BIN");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' run '%s/s.json' --quiet --out '%s/%s' %s >'%s/%s.log' 2>&1",
             bin ? bin : "build/simgrad", dir, dir, out, sets, dir, out);
    return system(cmd);
}

/* The rel_error column (10th) of out/events.csv into rel[]; returns the count. */
static int read_errors(const char *out, double *rel, int max)
{
    char path[512], line[512];
    snprintf(path, sizeof path, "%s/%s/events.csv", dir, out);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int n = 0;
    fgets(line, sizeof line, f);
    while (n < max && fgets(line, sizeof line, f)) {
        char *c = line;
        for (int k = 0; k < 9 && c; k++) {
            c = strchr(c, ',');
            if (c)
                c++;
        }
        rel[n++] = c ? strtod(c, NULL) : NAN;
    }
    fclose(f);
    return n;
}

static void check_against_oracle(int flow_measure)
{
    const char *out = flow_measure ? "flow" : "last";
    char sets[256];
    snprintf(sets, sizeof sets, "--set algorithm.error_measure=%s",
             flow_measure ? "flow" : "last-event");
    CU_ASSERT_EQUAL_FATAL(run_simgrad(out, sets), 0);
    static double rel[MAXEV];
    int n = read_errors(out, rel, MAXEV);
    CU_ASSERT_EQUAL_FATAL(n, nev);
    oracle o;
    oracle_init(&o);
    double d0 = oracle_error(&o, 0, 0), worst = 0;
    for (int k = 0; k < nev; k++) {
        if (evs[k].grad)
            oracle_gradient(&o, evs[k].i, evs[k].t);
        else
            oracle_gossip(&o, evs[k].i, evs[k].j, evs[k].t);
        double want = oracle_error(&o, evs[k].t, flow_measure) / d0;
        worst = fmax(worst, fabs(rel[k] - want) / want);
    }
    printf("\n  %s measure: %d events, relative error %.3g -> %.3g, worst |simgrad - oracle| / "
           "oracle %.3g",
           out, nev, rel[0], rel[nev - 1], worst);
    CU_ASSERT(worst < 1e-12);
    CU_ASSERT(rel[nev - 1] < 0.5 * rel[0]); /* it does converge */
}

static void test_replay_matches_oracle(void)
{
    check_against_oracle(0);
    check_against_oracle(1);
}

/* simgrad's own events.csv replayed: the same error sequence to 1e-12. */
static void test_replay_of_written_log(void)
{
    char sets[512];
    snprintf(sets, sizeof sets, "--set algorithm.replay='%s/flow/events.csv'", dir);
    CU_ASSERT_EQUAL_FATAL(run_simgrad("again", sets), 0);
    static double a[MAXEV], b[MAXEV];
    int na = read_errors("flow", a, MAXEV), nb = read_errors("again", b, MAXEV);
    CU_ASSERT_EQUAL_FATAL(na, nb);
    double worst = 0;
    for (int k = 0; k < na; k++)
        worst = fmax(worst, fabs(a[k] - b[k]) / fabs(a[k]));
    printf("\n  replay of events.csv: %d events, worst relative difference %.3g", na, worst);
    CU_ASSERT(worst <= 1e-12);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/sgr-oracle-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    make_data();
    solve_xstar();
    make_events();
    write_files();
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("dadao_oracle", NULL, NULL);
    TEST_ADD(s, test_replay_matches_oracle);
    TEST_ADD(s, test_replay_of_written_log);
    int rc = test_run_all();
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (rc == 0 && system(cmd) != 0)
        rc = 1;
    return rc;
}
