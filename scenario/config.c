/* Scenario sections read once into typed configuration (simgrad/config.h): the only place,
 * with the families' parse hooks, that reads a scenario by key. */
#include "simgrad/config.h"

#include <stdlib.h>
#include <string.h>

#include "simgrad/rng.h"

static void platform_parse(const sgr_scenario *scn, sgr_platform_cfg *c)
{
    memset(c, 0, sizeof *c);
    sgr_platform_kind_parse(sgr_scn_str(scn, "platform.type"), &c->kind);
    c->file = sgr_scn_path(scn, "platform.file");
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

static void stragglers_parse(const sgr_scenario *scn, sgr_config *cfg)
{
    sgr_straggler_cfg *c = &cfg->stragglers;
    memset(c, 0, sizeof *c);
    sgr_straggler_kind_parse(sgr_scn_str(scn, "stragglers.model"), &c->kind);
    c->p = sgr_scn_num(scn, "stragglers.p");
    cfg->slowdown_given = sgr_scn_has(scn, "stragglers.slowdown");
    c->slowdown = cfg->slowdown_given ? sgr_scn_num(scn, "stragglers.slowdown") : 1.0;
    c->delay_mean = sgr_scn_num(scn, "stragglers.delay_mean");
    c->p_good_to_bad = sgr_scn_num(scn, "stragglers.p_good_to_bad");
    c->p_bad_to_good = sgr_scn_num(scn, "stragglers.p_bad_to_good");
    c->burst_B = (int)sgr_scn_int(scn, "stragglers.burst_B");
    c->burst_W = (int)sgr_scn_int(scn, "stragglers.burst_W");
    c->burst_lambda = (int)sgr_scn_int(scn, "stragglers.burst_lambda");
    c->trace_path = sgr_scn_path(scn, "stragglers.trace");
    c->fail_prob = sgr_scn_num(scn, "stragglers.fail_prob");
    if (c->kind == SGR_STRAG_BURSTY && c->burst_B < 1)
        c->burst_B = 1;
    cfg->host_failures = sgr_scn_path(scn, "stragglers.host_failures");
}

static void workload_parse(const sgr_scenario *scn, sgr_workload_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->seed = (unsigned long)sgr_scn_int(scn, "seed");
    c->model_name = sgr_scn_str(scn, "workload.model");
    sgr_model_kind_parse(c->model_name, &c->model);
    c->l2 = sgr_scn_num(scn, "workload.l2");
    c->dataset = sgr_scn_str(scn, "workload.dataset");
    c->fmnist_dir = sgr_scn_path(scn, "workload.fmnist_dir");
    c->path = sgr_scn_path(scn, "workload.path");
    c->test_path = sgr_scn_path(scn, "workload.test_path");
    c->node_files = sgr_scn_path(scn, "workload.node_files");
    c->label_column = sgr_scn_str(scn, "workload.label_column");
    c->node_column = sgr_scn_str(scn, "workload.node_column");
    c->samples = (size_t)sgr_scn_int(scn, "workload.samples");
    c->test_samples = (size_t)sgr_scn_int(scn, "workload.test_samples");
    c->features = (size_t)sgr_scn_int(scn, "workload.features");
    c->classes = (int)sgr_scn_int(scn, "workload.classes");
    c->condition = sgr_scn_num(scn, "workload.condition");
    c->noise = sgr_scn_num(scn, "workload.noise");
    c->separation = sgr_scn_num(scn, "workload.separation");
    c->test_fraction = sgr_scn_num(scn, "workload.test_fraction");
    c->bias = sgr_scn_bool(scn, "workload.bias");
    c->partition_name = sgr_scn_str(scn, "workload.partition");
    sgr_partition_kind_parse(c->partition_name, &c->partition);
    c->shards_per_node = (size_t)sgr_scn_int(scn, "workload.shards_per_node");
    c->dirichlet_alpha = sgr_scn_num(scn, "workload.dirichlet_alpha");
}

static void graph_parse(const sgr_scenario *scn, sgr_graph_section *g)
{
    sgr_graph_cfg *c = &g->cfg;
    memset(g, 0, sizeof *g);
    g->type = sgr_scn_str(scn, "graph.type");
    if (!g->type) /* the family does not use the graph section */
        return;
    sgr_graph_kind_parse(g->type, &c->kind);
    c->n = (size_t)sgr_scn_int(scn, "graph.n");
    c->rows = (size_t)sgr_scn_int(scn, "graph.rows");
    c->radius = sgr_scn_num(scn, "graph.radius");
    c->p = sgr_scn_num(scn, "graph.p");
    c->degree = (size_t)sgr_scn_int(scn, "graph.degree");
    c->beta = sgr_scn_num(scn, "graph.beta");
    c->path = sgr_scn_path(scn, "graph.file");
    g->versions = (size_t)sgr_scn_int(scn, "graph.versions");
    g->switch_every = sgr_scn_num(scn, "graph.switch_every");
    const char *rule = sgr_scn_str(scn, "graph.switch"); /* NULL: no graph sequences */
    g->switch_rule =
        rule && strcmp(rule, "chi1") == 0 ? SGR_GRAPH_SWITCH_CHI1 : SGR_GRAPH_SWITCH_INTERVAL;
}

static void problem_parse(const sgr_scenario *scn, sgr_problem_cfg *p)
{
    memset(p, 0, sizeof *p);
    p->mu_given = sgr_scn_has(scn, "problem.mu");
    p->L_given = sgr_scn_has(scn, "problem.L");
    p->mu = p->mu_given ? sgr_scn_num(scn, "problem.mu") : 0;
    p->L = p->L_given ? sgr_scn_num(scn, "problem.L") : 0;
}

static void output_parse(const sgr_scenario *scn, sgr_output_cfg *o)
{
    o->dir = sgr_scn_str(scn, "output.dir");
    o->progress = sgr_scn_bool(scn, "output.progress");
    o->paje = sgr_scn_bool(scn, "output.paje");
    o->chrome_trace = sgr_scn_bool(scn, "output.chrome_trace");
    o->chrome_trace_actors = (size_t)sgr_scn_int(scn, "output.chrome_trace_actors");
    o->chrome_trace_max_events = (size_t)sgr_scn_int(scn, "output.chrome_trace_max_events");
    o->events = sgr_scn_bool(scn, "output.events");
}

void sgr_network_cfg_from_scenario(const sgr_scenario *scn, sgr_network_cfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    const char *m = sgr_scn_str(scn, "network.model");
    cfg->model = m && strcmp(m, "packet") == 0 ? SGR_NET_PACKET : SGR_NET_FLOW;
    const char *e = sgr_scn_str(scn, "network.ecmp");
    cfg->ecmp = e && strcmp(e, "spray") == 0 ? SGR_ECMP_SPRAY : SGR_ECMP_FIRST;
    const char *t = sgr_scn_str(scn, "network.tcp");
    cfg->newreno = t && strcmp(t, "newreno") == 0;
    cfg->tcp_window = sgr_scn_num(scn, "network.tcp_window");
    cfg->tcp_dupacks = sgr_scn_int(scn, "network.tcp_dupacks");
    cfg->same_routes = cfg->model == SGR_NET_FLOW && sgr_scn_bool(scn, "network.same_routes");
}

int sgr_config_parse(sgr_config *cfg, const sgr_scenario *scn, sgr_err *err)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->scn = scn;
    cfg->family = sgr_family_find(sgr_scn_str(scn, "algorithm.family"));
    if (!cfg->family)
        return sgr_fail(err, "%s: algorithm.family: unknown", scn->path);
    cfg->seed = (unsigned long)sgr_scn_int(scn, "seed");
    platform_parse(scn, &cfg->platform);
    stragglers_parse(scn, cfg);
    workload_parse(scn, &cfg->workload);
    graph_parse(scn, &cfg->graph);
    problem_parse(scn, &cfg->problem);
    output_parse(scn, &cfg->output);
    cfg->simulation.stack_size = sgr_scn_num(scn, "simulation.stack_size");
    cfg->simulation.network_model = sgr_scn_str(scn, "simulation.network_model");
    cfg->simulation.max_events = sgr_scn_num(scn, "simulation.max_events");
    sgr_network_cfg_from_scenario(scn, &cfg->network);
    if (cfg->family->parse && cfg->family->parse(scn, &cfg->algorithm, err) < 0) {
        sgr_fail_prefix(err, "%s", scn->path);
        sgr_config_free(cfg);
        return -1;
    }
    return 0;
}

void sgr_config_free(sgr_config *cfg)
{
    if (cfg->family && cfg->family->free_cfg && cfg->algorithm)
        cfg->family->free_cfg(cfg->algorithm);
    free((char *)cfg->platform.file);
    free((char *)cfg->stragglers.trace_path);
    free(cfg->host_failures);
    free(cfg->workload.fmnist_dir);
    free(cfg->workload.path);
    free(cfg->workload.test_path);
    free(cfg->workload.node_files);
    free((char *)cfg->graph.cfg.path);
    memset(cfg, 0, sizeof *cfg);
}

size_t sgr_config_graph_nodes(const sgr_config *cfg, size_t nhosts)
{
    return cfg->graph.cfg.n > 0 ? cfg->graph.cfg.n : nhosts;
}

int sgr_graph_from_config(const sgr_config *cfg, size_t nhosts, sgr_graph *g, sgr_err *err)
{
    sgr_graph_cfg gc = cfg->graph.cfg;
    gc.n = sgr_config_graph_nodes(cfg, nhosts);
    gsl_rng *rng = sgr_rng_new(cfg->seed, "graph", 0);
    if (!rng)
        return sgr_fail(err, "out of memory");
    int rc = sgr_graph_build(g, &gc, rng, err);
    gsl_rng_free(rng);
    if (rc < 0)
        return -1;
    if (!sgr_graph_connected(g)) {
        sgr_graph_free(g);
        return sgr_fail(err, "graph: the %s graph on %zu nodes is disconnected", cfg->graph.type,
                        gc.n);
    }
    return 0;
}
