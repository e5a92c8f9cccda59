/* The gossip family's input readers, on small files written here: the numeric CSV table, CSV
 * datasets with a node column, LIBSVM with a node token, per-node files, graph sequences (a
 * graph-id column with a header and commas, {k} files), and event logs (the kinds, a missing
 * column, time going back, an edge absent from its graph); every error names file:line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "simgrad/csv_table.h"
#include "simgrad/dataset.h"
#include "simgrad/event_log.h"
#include "simgrad/graph.h"
#include "testutil.h"

static char dir[64];

static const char *write_file(const char *name, const char *text)
{
    static char path[8][256];
    static int k;
    char *p = path[k++ % 8];
    snprintf(p, 256, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    return p;
}

static void test_csv_table(void)
{
    sgr_csv_table t;
    sgr_err err;
    const char *p = write_file("t.csv", "# comment\na, b\n1, -2.5\n\n3,4e-1 # tail\n");
    CU_ASSERT_EQUAL_FATAL(sgr_csv_table_read(p, &t, &err), 0);
    CU_ASSERT_EQUAL(t.rows, 2);
    CU_ASSERT_EQUAL(t.cols, 2);
    CU_ASSERT_EQUAL(t.header_line, 2);
    CU_ASSERT_EQUAL(t.line[1], 5);
    CU_ASSERT_DOUBLE_EQUAL(t.v[1], -2.5, 0);
    CU_ASSERT_EQUAL(sgr_csv_table_col(&t, "b"), 1);
    sgr_csv_table_free(&t);
    p = write_file("t2.csv", "1,2\n3\n");
    CU_ASSERT_EQUAL(sgr_csv_table_read(p, &t, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "t2.csv:2: 1 fields, expected 2"));
    p = write_file("t3.csv", "x,y\n1,zz\n");
    CU_ASSERT_EQUAL(sgr_csv_table_read(p, &t, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "t3.csv:2: field 2 y is not a finite number"));
}

static void test_csv_dataset_nodes(void)
{
    sgr_dataset all, parts[3];
    sgr_err err;
    const char *p = write_file("d.csv", "f1,node,y,f2\n1,2,-1,10\n2,0,1,20\n3,2,1,30\n4,1,-1,40\n");
    CU_ASSERT_EQUAL_FATAL(sgr_dataset_read_nodes_column(p, true, "y", "node", 3, &all, parts, &err),
                          0);
    CU_ASSERT_EQUAL(all.d, 2);
    CU_ASSERT_EQUAL(all.nclasses, 2);
    CU_ASSERT_EQUAL(parts[2].n, 2);
    /* node 2's rows in file order, features f1, f2, labels -1/+1 as 0/1 */
    CU_ASSERT_DOUBLE_EQUAL(parts[2].X[0], 1, 0);
    CU_ASSERT_DOUBLE_EQUAL(parts[2].X[1], 10, 0);
    CU_ASSERT_DOUBLE_EQUAL(parts[2].X[2], 3, 0);
    CU_ASSERT_DOUBLE_EQUAL(parts[2].y[0], 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(parts[2].y[1], 1, 0);
    for (int i = 0; i < 3; i++)
        sgr_dataset_free(&parts[i]);
    sgr_dataset_free(&all);
    CU_ASSERT_EQUAL(sgr_dataset_read_nodes_column(p, true, "y", "node", 4, &all, parts, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "node 3 has no rows"));
    CU_ASSERT_EQUAL(sgr_dataset_read_nodes_column(p, true, "y", "node", 2, &all, parts, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "d.csv:2: node 2 does not exist"));
    CU_ASSERT_EQUAL(sgr_dataset_read_nodes_column(p, true, "label", "node", 3, &all, parts, &err),
                    -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "d.csv:1: no column named \"label\""));
}

static void test_libsvm_nodes_and_files(void)
{
    /* 3: the last case asks for 3 nodes (the third is read into parts[2], then fails) */
    sgr_dataset all, parts[3];
    sgr_err err;
    const char *p = write_file("a.svm", "1 qid:1 1:0.5 3:2\n-1 qid:0 2:1\n1 qid:1 1:1\n");
    CU_ASSERT_EQUAL_FATAL(
        sgr_dataset_read_nodes_column(p, false, NULL, "qid", 2, &all, parts, &err), 0);
    CU_ASSERT_EQUAL(parts[0].n, 1);
    CU_ASSERT_EQUAL(parts[1].n, 2);
    CU_ASSERT_EQUAL(parts[1].d, 3);
    CU_ASSERT_DOUBLE_EQUAL(parts[1].X[2], 2, 0);
    for (int i = 0; i < 2; i++)
        sgr_dataset_free(&parts[i]);
    sgr_dataset_free(&all);
    p = write_file("b.svm", "1 1:0.5\n");
    CU_ASSERT_EQUAL(sgr_dataset_read_nodes_column(p, false, NULL, "node", 2, &all, parts, &err),
                    -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "b.svm:1: expected the node as 'node:i'"));
    write_file("n0.svm", "1 1:1\n-1 1:2\n");
    write_file("n1.svm", "1 2:5\n");
    char pattern[128];
    snprintf(pattern, sizeof pattern, "%s/n{node}.svm", dir);
    CU_ASSERT_EQUAL_FATAL(sgr_dataset_read_node_files(pattern, false, NULL, 2, &all, parts, &err),
                          0);
    CU_ASSERT_EQUAL(all.n, 3);
    CU_ASSERT_EQUAL(parts[0].d, 2); /* widened to node 1's feature 2 */
    CU_ASSERT_DOUBLE_EQUAL(parts[1].X[1], 5, 0);
    for (int i = 0; i < 2; i++)
        sgr_dataset_free(&parts[i]);
    sgr_dataset_free(&all);
    CU_ASSERT_EQUAL(sgr_dataset_read_node_files(pattern, false, NULL, 3, &all, parts, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "node 2"));
}

static void test_graph_sequence(void)
{
    sgr_graph *g;
    size_t k;
    sgr_err err;
    const char *p = write_file("g.csv", "graph,u,v\n0,0,1\n0,1,2\n1,2,0\n1, 1 ,0\n");
    CU_ASSERT_EQUAL_FATAL(sgr_graph_load_sequence(p, 3, 1, &g, &k, &err), 0);
    CU_ASSERT_EQUAL(k, 2);
    CU_ASSERT_EQUAL(g[0].m, 2);
    CU_ASSERT(sgr_graph_has_edge(&g[1], 0, 2));
    CU_ASSERT(!sgr_graph_has_edge(&g[1], 1, 2));
    for (size_t v = 0; v < k; v++)
        sgr_graph_free(&g[v]);
    free(g);
    write_file("h0.edges", "0 1\n1 2\n");
    write_file("h1.edges", "0 2\n");
    char pattern[128];
    snprintf(pattern, sizeof pattern, "%s/h{k}.edges", dir);
    CU_ASSERT_EQUAL_FATAL(sgr_graph_load_sequence(pattern, 3, 2, &g, &k, &err), 0);
    CU_ASSERT_EQUAL(k, 2);
    CU_ASSERT_EQUAL(g[1].m, 1);
    for (size_t v = 0; v < k; v++)
        sgr_graph_free(&g[v]);
    free(g);
    p = write_file("g2.csv", "0,0,1\n2,1,2\n");
    CU_ASSERT_EQUAL(sgr_graph_load_sequence(p, 3, 1, &g, &k, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "graph 1 has no edges"));
    p = write_file("g3.csv", "0,0,1\n0,1,5\n");
    CU_ASSERT_EQUAL(sgr_graph_load_sequence(p, 3, 1, &g, &k, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "g3.csv:2: node index 5 is out of range"));
}

static void test_event_log(void)
{
    sgr_event *ev;
    size_t n;
    char method[32];
    sgr_err err;
    const char *p = write_file("e.csv", "method,t,kind,i,j\nm1,0.5,gradient,2,\nm2,0.6,gossip,0,1\n"
                                        "m1,0.75,gossip,1,0\n");
    CU_ASSERT_EQUAL_FATAL(sgr_event_log_read(p, &ev, &n, method, sizeof method, &err), 0);
    CU_ASSERT_EQUAL(n, 2); /* m1's rows only */
    CU_ASSERT_STRING_EQUAL(method, "m1");
    CU_ASSERT_EQUAL(ev[1].kind, SGR_EV_GOSSIP);
    CU_ASSERT_EQUAL(ev[1].line, 4);
    size_t u[] = {0}, v[] = {2};
    sgr_graph g;
    CU_ASSERT_EQUAL_FATAL(sgr_graph_from_edges(&g, 3, u, v, 1, &err), 0);
    sgr_graph_seq seq = {&g, 1, 0, 1};
    CU_ASSERT_EQUAL(sgr_event_log_check(p, ev, n, 3, &seq, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "e.csv:4: no edge 1-0 in graph 0"));
    CU_ASSERT_EQUAL(sgr_event_log_check(p, ev, n, 2, &seq, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "e.csv:2: node 2 does not exist"));
    free(ev);
    sgr_graph_free(&g);
    p = write_file("e2.csv", "t,kind,i,j\n1,gradient,0,\n0.5,gradient,0,\n");
    CU_ASSERT_EQUAL(sgr_event_log_read(p, &ev, &n, NULL, 0, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "e2.csv:3: the log goes back in time"));
    p = write_file("e3.csv", "t,kind,i,j\n1,gossip-recv,0,1\n");
    CU_ASSERT_EQUAL(sgr_event_log_read(p, &ev, &n, NULL, 0, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "e3.csv:2: kind gossip-recv comes from a networked"));
    p = write_file("e4.csv", "time,kind,i\n1,gradient,0\n");
    CU_ASSERT_EQUAL(sgr_event_log_read(p, &ev, &n, NULL, 0, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "e4.csv:1: no column \"t\""));
    /* what the writer writes, the reader reads back to the bit */
    char path[128];
    snprintf(path, sizeof path, "%s/w.csv", dir);
    sgr_event_log *log = sgr_event_log_open(path, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    sgr_event w = {0.1 + 0.2, SGR_EV_GOSSIP, 2, 1, 0, 0};
    CU_ASSERT_EQUAL(sgr_event_log_write(log, "dadao", 1, &w, 0.003, 1.0 / 3, NAN), 0);
    CU_ASSERT_EQUAL(sgr_event_log_close(log, true, &err), 0);
    CU_ASSERT_EQUAL_FATAL(sgr_event_log_read(path, &ev, &n, method, sizeof method, &err), 0);
    CU_ASSERT_EQUAL(ev[0].t, 0.1 + 0.2);
    CU_ASSERT_EQUAL(ev[0].graph, 0);
    free(ev);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/sgr-inputs-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("gossip_inputs", NULL, NULL);
    TEST_ADD(s, test_csv_table);
    TEST_ADD(s, test_csv_dataset_nodes);
    TEST_ADD(s, test_libsvm_nodes_and_files);
    TEST_ADD(s, test_graph_sequence);
    TEST_ADD(s, test_event_log);
    int rc = test_run_all();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? rc : 1;
}
