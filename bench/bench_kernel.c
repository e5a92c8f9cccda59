/* Softmax gradient kernel throughput against the same two dgemm calls alone.
 *
 * usage: bench_kernel [iterations]   (default 400)
 *
 * Target (DESIGN.md): the kernel reaches at least 0.8x the throughput of its BLAS calls, i.e.
 * the elementwise log-sum-exp pass and the fused l2 term cost at most a quarter on top. The
 * kernel's GFlop/s counts sgr_model_grad_flops (what the simulation charges); the gemm-only
 * GFlop/s counts 2*m*n*k per gemm. The ratio compares the two rates. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "simgrad/model.h"
#include "simgrad/rng.h"

#define ROWS 512
#define D 784
#define K 10

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void gemms(const double *X, const double *W, double *Z, double *G)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, ROWS, K, D, 1.0, X, D, W, K, 0.0, Z, K);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, D, K, ROWS, 1.0, X, D, Z, K, 0.0, G, K);
}

int main(int argc, char **argv)
{
    int iters = argc > 1 ? atoi(argv[1]) : 400;
    if (iters < 1) {
        fprintf(stderr, "usage: %s [iterations >= 1]\n", argv[0]);
        return 2;
    }
    sgr_dataset ds;
    sgr_err err;
    gsl_rng *rng = sgr_rng_new(42, "bench_kernel", 0);
    if (!rng || sgr_dataset_synth_classes(&ds, ROWS, D, K, 10, 3, rng, &err)) {
        fprintf(stderr, "bench_kernel: %s\n", rng ? err.msg : "out of memory");
        return 1;
    }
    sgr_model m = {SGR_MODEL_SOFTMAX, D, K, 1e-4};
    double *W = calloc(D * K, sizeof *W), *G = malloc(D * K * sizeof *G);
    double *work = malloc(sgr_model_work_size(&m, ROWS) * sizeof *work);
    if (!W || !G || !work) {
        fprintf(stderr, "bench_kernel: out of memory\n");
        return 1;
    }
    for (int j = 0; j < D * K; j++)
        W[j] = 0.01 * (double)((j * 7919) % 101 - 50) / 50.0;

    double sink = 0;
    for (int it = 0; it < 20; it++) /* warm caches and BLAS threads */
        sink += sgr_model_loss_grad(&m, W, ds.X, ds.y, ROWS, G, work);
    /* Interleave repetitions and keep the best of each, so a noisy moment hurts neither side. */
    double best_kernel = 1e30, best_gemm = 1e30;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now();
        for (int it = 0; it < iters; it++)
            sink += sgr_model_loss_grad(&m, W, ds.X, ds.y, ROWS, G, work);
        double t1 = now();
        for (int it = 0; it < iters; it++)
            gemms(ds.X, W, work, G);
        double t2 = now();
        best_kernel = t1 - t0 < best_kernel ? t1 - t0 : best_kernel;
        best_gemm = t2 - t1 < best_gemm ? t2 - t1 : best_gemm;
    }
    double kflops = sgr_model_grad_flops(&m, ROWS) * iters;
    double gflops = 2.0 * (2.0 * ROWS * D * K) * iters;
    double krate = kflops / best_kernel * 1e-9, grate = gflops / best_gemm * 1e-9;
    printf("softmax gradient, %d x %d x %d minibatch, %d iterations, best of 5, OpenBLAS "
           "threads %d\n",
           ROWS, D, K, iters, openblas_get_num_threads());
    printf("  kernel (sgr_model_loss_grad)  %8.3f ms/call  %7.2f GFlop/s\n",
           1e3 * best_kernel / iters, krate);
    printf("  two cblas_dgemm calls alone   %8.3f ms/call  %7.2f GFlop/s\n",
           1e3 * best_gemm / iters, grate);
    printf("  ratio kernel/gemm             %8.2fx    (target: at least 0.8x)  %s\n", krate / grate,
           krate / grate >= 0.8 ? "OK" : "BELOW TARGET");
    if (sink != sink) printf("(loss was NaN)\n");
    free(work);
    free(G);
    free(W);
    sgr_dataset_free(&ds);
    gsl_rng_free(rng);
    return 0;
}
