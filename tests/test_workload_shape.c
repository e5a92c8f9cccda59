/* `simgrad validate` checks a synthetic workload by its shape (sgr_workload_shape) instead of
 * generating it. The shape must be what sgr_workload_load makes, which is the oracle here:
 * for least squares, logistic and softmax workloads, test sizes given as counts and as
 * fractions, with and without a bias column, with and without parts (up to exactly as many
 * parts as rows, and one more), and with arguments the generator refuses, both agree on
 * success or failure, the message, the train and test sizes, the dimensions and the model. */
#include "testutil.h"

#include <string.h>

#include "simgrad/workload.h"

static sgr_workload_cfg base(sgr_model_kind kind)
{
    static const char *const names[] = {"lsq", "logreg", "softmax"};
    sgr_workload_cfg c = {.seed = 3,
                          .model = kind,
                          .model_name = names[kind == SGR_MODEL_LSQ      ? 0
                                              : kind == SGR_MODEL_LOGREG ? 1
                                                                         : 2],
                          .l2 = 0.01,
                          .dataset = "synthetic",
                          .samples = 1000,
                          .features = 5,
                          .classes = 4,
                          .condition = 10,
                          .noise = 0.1,
                          .separation = 2,
                          .test_fraction = 0.2,
                          .partition = SGR_PART_IID,
                          .partition_name = "iid"};
    return c;
}

/* The shape and the real load of c into nparts agree. */
static void agree(const sgr_workload_cfg *c, size_t nparts, const char *what)
{
    sgr_workload s, l;
    sgr_err es = {""}, el = {""};
    int rs = sgr_workload_shape(&s, c, nparts, &es);
    int rl = sgr_workload_load(&l, c, nparts, &el);
    CU_ASSERT_EQUAL(rs, rl == 0 ? 1 : -1);
    if ((rs == 1) != (rl == 0) || strcmp(es.msg, el.msg) != 0)
        fprintf(stderr, "\n  %s: shape %d \"%s\", load %d \"%s\"\n", what, rs, es.msg, rl, el.msg);
    CU_ASSERT_STRING_EQUAL(es.msg, el.msg);
    if (rs == 1 && rl == 0) {
        CU_ASSERT_EQUAL(s.train.n, l.train.n);
        CU_ASSERT_EQUAL(s.test.n, l.test.n);
        CU_ASSERT_EQUAL(s.train.d, l.train.d);
        CU_ASSERT_EQUAL(s.test.d, l.test.d);
        CU_ASSERT_EQUAL(s.train.nclasses, l.train.nclasses);
        CU_ASSERT_EQUAL(s.model.kind, l.model.kind);
        CU_ASSERT_EQUAL(s.model.d, l.model.d);
        CU_ASSERT_EQUAL(s.model.nclasses, l.model.nclasses);
        CU_ASSERT_EQUAL(s.model.l2, l.model.l2);
        CU_ASSERT_EQUAL(s.nparts, l.nparts);
    }
    if (rs == 1)
        sgr_workload_free(&s);
    if (rl == 0)
        sgr_workload_free(&l);
}

static void test_sizes_and_models(void)
{
    const sgr_model_kind kinds[] = {SGR_MODEL_LSQ, SGR_MODEL_LOGREG, SGR_MODEL_SOFTMAX};
    for (size_t k = 0; k < 3; k++) {
        sgr_workload_cfg c = base(kinds[k]);
        agree(&c, 0, "fraction 0.2");
        agree(&c, 7, "7 parts");
        c.samples = 999; /* a fraction that does not divide */
        c.test_fraction = 0.3;
        agree(&c, 13, "999 samples, fraction 0.3");
        c.test_fraction = 0;
        agree(&c, 1, "no test set");
        c.samples = 0; /* the default size */
        c.test_samples = 250;
        c.bias = true;
        agree(&c, 64, "default samples, 250 test rows, bias");
    }
}

static void test_parts_at_the_limit(void)
{
    sgr_workload_cfg c = base(SGR_MODEL_LOGREG);
    c.test_samples = 100; /* 1,000 train rows */
    agree(&c, 1000, "as many parts as rows");
    agree(&c, 1001, "one part more than rows");
}

static void test_refusals(void)
{
    sgr_workload_cfg c = base(SGR_MODEL_SOFTMAX);
    c.classes = 1;
    agree(&c, 4, "softmax of one class");
    c = base(SGR_MODEL_LSQ);
    c.condition = 0.5;
    agree(&c, 4, "condition below 1");
    c = base(SGR_MODEL_LSQ);
    c.noise = -1;
    agree(&c, 4, "negative noise");
    c = base(SGR_MODEL_LOGREG);
    c.separation = -2;
    agree(&c, 4, "negative separation");
    c = base(SGR_MODEL_LOGREG);
    c.features = 0;
    agree(&c, 4, "no feature");
    c = base(SGR_MODEL_LSQ);
    c.samples = 1000000000000; /* a dense matrix beyond any machine here: refused, not made */
    sgr_workload s;
    sgr_err e = {""};
    CU_ASSERT_EQUAL(sgr_workload_shape(&s, &c, 4, &e), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "larger than this machine's memory"));
}

static void test_what_it_leaves_to_load(void)
{
    sgr_workload_cfg c = base(SGR_MODEL_SOFTMAX);
    sgr_workload s;
    sgr_err e = {""};
    c.partition = SGR_PART_DIRICHLET; /* reads the labels */
    c.partition_name = "dirichlet";
    c.dirichlet_alpha = 0.5;
    CU_ASSERT_EQUAL(sgr_workload_shape(&s, &c, 4, &e), 0);
    CU_ASSERT_EQUAL(sgr_workload_shape(&s, &c, 0, &e), 1); /* no parts: the partition is moot */
    sgr_workload_free(&s);
    c = base(SGR_MODEL_SOFTMAX);
    c.dataset = "libsvm";
    CU_ASSERT_EQUAL(sgr_workload_shape(&s, &c, 4, &e), 0);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("workload_shape", NULL, NULL);
    TEST_ADD(s, test_sizes_and_models);
    TEST_ADD(s, test_parts_at_the_limit);
    TEST_ADD(s, test_refusals);
    TEST_ADD(s, test_what_it_leaves_to_load);
    return test_run_all();
}
