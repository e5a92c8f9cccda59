/* Transitional: the scenario-keyed builders that the gradient-coding and gossip families still
 * call while their own parse hooks are written (simgrad/config.h replaces them). */
#include "simgrad/config.h"
#include "simgrad/run.h"
#include "simgrad/rng.h"

#include <string.h>

void sgr_platform_cfg_from_scenario(const sgr_scenario *scn, sgr_platform_cfg *c)
{
    memset(c, 0, sizeof *c);
    sgr_platform_kind_parse(sgr_scn_str(scn, "platform.type"), &c->kind);
    c->file = sgr_scn_str(scn, "platform.file");
    c->hosts = (size_t)sgr_scn_int(scn, "platform.hosts");
    c->host_speed = sgr_scn_num(scn, "platform.host_speed");
    c->cores = (int)sgr_scn_int(scn, "platform.cores");
    c->host_bw = sgr_scn_num(scn, "platform.host_bw");
    c->host_lat = sgr_scn_num(scn, "platform.host_lat");
    c->backbone_bw = sgr_scn_num(scn, "platform.backbone_bw");
    c->backbone_lat = sgr_scn_num(scn, "platform.backbone_lat");
    c->leaves = (size_t)sgr_scn_int(scn, "platform.leaves");
    c->hosts_per_leaf = (size_t)sgr_scn_int(scn, "platform.hosts_per_leaf");
    c->spines = (size_t)sgr_scn_int(scn, "platform.spines");
    c->spine_bw = sgr_scn_num(scn, "platform.spine_bw");
    c->spine_lat = sgr_scn_num(scn, "platform.spine_lat");
    c->oversubscription = sgr_scn_num(scn, "platform.oversubscription");
    c->pods = (size_t)sgr_scn_int(scn, "platform.pods");
    c->core_switches = (size_t)sgr_scn_int(scn, "platform.core_switches");
    c->core_bw = sgr_scn_num(scn, "platform.core_bw");
    c->core_lat = sgr_scn_num(scn, "platform.core_lat");
    c->core_oversub = sgr_scn_num(scn, "platform.core_oversubscription");
    c->topo_parameters = sgr_scn_str(scn, "platform.topo_parameters");
    c->sites = (size_t)sgr_scn_int(scn, "platform.sites");
    c->hosts_per_site = (size_t)sgr_scn_int(scn, "platform.hosts_per_site");
    c->wan_bw = sgr_scn_num(scn, "platform.wan_bw");
    c->wan_lat = sgr_scn_num(scn, "platform.wan_lat");
    sgr_speed_dist_parse(sgr_scn_str(scn, "platform.speed_dist"), &c->speed_dist);
    c->speed_min = sgr_scn_num(scn, "platform.speed_min");
    c->speed_max = sgr_scn_num(scn, "platform.speed_max");
    c->speed_sigma = sgr_scn_num(scn, "platform.speed_sigma");
}

void sgr_straggler_cfg_from_scenario(const sgr_scenario *scn, sgr_straggler_cfg *c,
                                     char **trace_path)
{
    memset(c, 0, sizeof *c);
    sgr_straggler_kind_parse(sgr_scn_str(scn, "stragglers.model"), &c->kind);
    c->p = sgr_scn_num(scn, "stragglers.p");
    c->slowdown =
        sgr_scn_has(scn, "stragglers.slowdown") ? sgr_scn_num(scn, "stragglers.slowdown") : 1.0;
    c->delay_mean = sgr_scn_num(scn, "stragglers.delay_mean");
    c->p_good_to_bad = sgr_scn_num(scn, "stragglers.p_good_to_bad");
    c->p_bad_to_good = sgr_scn_num(scn, "stragglers.p_bad_to_good");
    c->burst_B = (int)sgr_scn_int(scn, "stragglers.burst_B");
    c->burst_W = (int)sgr_scn_int(scn, "stragglers.burst_W");
    c->burst_lambda = (int)sgr_scn_int(scn, "stragglers.burst_lambda");
    *trace_path = sgr_scn_path(scn, "stragglers.trace");
    c->trace_path = *trace_path;
    c->fail_prob = sgr_scn_num(scn, "stragglers.fail_prob");
    if (c->kind == SGR_STRAG_BURSTY && c->burst_B < 1)
        c->burst_B = 1;
}

void sgr_graph_cfg_from_scenario(const sgr_scenario *scn, size_t nhosts, sgr_graph_cfg *c,
                                 char **path)
{
    memset(c, 0, sizeof *c);
    sgr_graph_kind_parse(sgr_scn_str(scn, "graph.type"), &c->kind);
    long n = sgr_scn_int(scn, "graph.n");
    c->n = n > 0 ? (size_t)n : nhosts;
    c->rows = (size_t)sgr_scn_int(scn, "graph.rows");
    c->radius = sgr_scn_num(scn, "graph.radius");
    c->p = sgr_scn_num(scn, "graph.p");
    c->degree = (size_t)sgr_scn_int(scn, "graph.degree");
    c->beta = sgr_scn_num(scn, "graph.beta");
    *path = sgr_scn_path(scn, "graph.file");
    c->path = *path;
}

int sgr_graph_from_scenario(const sgr_scenario *scn, size_t nhosts, sgr_graph *g, char **path,
                            sgr_err *err)
{
    sgr_graph_cfg gc;
    sgr_graph_cfg_from_scenario(scn, nhosts, &gc, path);
    gsl_rng *rng = sgr_rng_new((unsigned long)sgr_scn_int(scn, "seed"), "graph", 0);
    int rc = sgr_graph_build(g, &gc, rng, err);
    gsl_rng_free(rng);
    if (rc < 0)
        return -1;
    if (!sgr_graph_connected(g)) {
        sgr_graph_free(g);
        return sgr_fail(err, "graph: the %s graph on %zu nodes is disconnected",
                        sgr_scn_str(scn, "graph.type"), gc.n);
    }
    return 0;
}

int sgr_workload_load_scenario(sgr_workload *wl, const sgr_scenario *scn, size_t nparts,
                               sgr_err *err)
{
    sgr_config cfg;
    if (sgr_config_parse(&cfg, scn, err) < 0)
        return -1;
    int rc = sgr_workload_load(wl, &cfg.workload, nparts, err);
    sgr_config_free(&cfg);
    return rc;
}
