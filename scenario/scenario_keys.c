/* The core schema: every key of every section but the families' algorithm.* keys.
 * Families declare theirs next to their actors. docs/scenario.md is generated from these
 * tables (`simgrad keys --markdown`), so the documentation cannot drift from the code. */
#include "simgrad/scenario.h"

#include <math.h>

#define ANY -INFINITY, INFINITY
#define POS 1, INFINITY
#define NONNEG 0, INFINITY
#define UNIT 0, 1

const sgr_key sgr_core_keys[] = {
    {"seed", SGR_T_INT, "1", 0, 4294967295.0, NULL, NULL,
     "Seed of every random choice in the run (GSL streams are derived from it)."},

    /* platform */
    {"platform.type", SGR_T_ENUM, "\"star\"", ANY,
     "star|leaf-spine|fat-tree|dragonfly|torus|wan|file|three-tier", NULL,
     "Topology generated as SimGrid XML into the run directory, or `file` for your own XML; "
     "`three-tier` (pods, aggregation and core switches) is built in memory, by the families "
     "that build their own platform only."},
    {"platform.file", SGR_T_PATH, NULL, ANY, NULL, "platform.type=file",
     "SimGrid platform XML to load; hosts are used in name order (h0, h1, ... or sorted names)."},
    {"platform.hosts", SGR_T_INT, "17", 1, 1000000, NULL, "platform.type=star",
     "Number of hosts behind the switch."},
    {"platform.host_speed", SGR_T_SPEED, "\"1Gf\"", 1, INFINITY, NULL, NULL,
     "Nominal compute speed of each host (flop/s)."},
    {"platform.cores", SGR_T_INT, "1", 1, 1024, NULL, NULL, "Cores per host."},
    {"platform.host_bw", SGR_T_BW, "\"10Gbps\"", 1, INFINITY, NULL,
     "platform.type=star|leaf-spine|fat-tree|dragonfly|torus|wan|three-tier",
     "Bandwidth of each host's own link (NIC), or of every link of a fat-tree/dragonfly/torus."},
    {"platform.host_lat", SGR_T_TIME, "\"5us\"", NONNEG, NULL,
     "platform.type=star|leaf-spine|fat-tree|dragonfly|torus|wan|three-tier",
     "Latency of each host's own link."},
    {"platform.backbone_bw", SGR_T_BW, "0", NONNEG, NULL, "platform.type=star|wan",
     "Bandwidth of the switch backbone shared by all flows (0: non-blocking switch)."},
    {"platform.backbone_lat", SGR_T_TIME, "0", NONNEG, NULL, "platform.type=star|wan",
     "Latency of the switch backbone."},
    {"platform.leaves", SGR_T_INT, "2", 1, 100000, NULL, "platform.type=leaf-spine|three-tier",
     "Number of leaf (top-of-rack) switches (three-tier: per pod)."},
    {"platform.hosts_per_leaf", SGR_T_INT, "9", 1, 100000, NULL,
     "platform.type=leaf-spine|three-tier", "Hosts under each leaf."},
    {"platform.spines", SGR_T_INT, "2", 1, 10000, NULL, "platform.type=leaf-spine|three-tier",
     "Number of spine switches; every leaf has one link to every spine (three-tier: "
     "aggregation switches per pod, one link to every leaf of the pod)."},
    {"platform.spine_bw", SGR_T_BW, "0", NONNEG, NULL, "platform.type=leaf-spine|three-tier",
     "Bandwidth of each leaf-spine link (0: derived from platform.oversubscription)."},
    {"platform.spine_lat", SGR_T_TIME, "\"1us\"", NONNEG, NULL,
     "platform.type=leaf-spine|three-tier", "Latency of each leaf-spine link."},
    {"platform.oversubscription", SGR_T_NUM, "1", 1e-6, INFINITY, NULL,
     "platform.type=leaf-spine|three-tier",
     "Ratio hosts_per_leaf*host_bw / (spines*spine_bw), used when spine_bw is 0."},
    {"platform.pods", SGR_T_INT, "2", 1, 100000, NULL, "platform.type=three-tier",
     "Number of pods, each of platform.leaves leaves and platform.spines aggregation switches."},
    {"platform.core_switches", SGR_T_INT, "2", 1, 100000, NULL, "platform.type=three-tier",
     "Core switches per aggregation plane: aggregation switch a of every pod has one link to "
     "each core of plane a."},
    {"platform.core_bw", SGR_T_BW, "0", NONNEG, NULL, "platform.type=three-tier",
     "Bandwidth of each aggregation-core link (0: derived from "
     "platform.core_oversubscription)."},
    {"platform.core_lat", SGR_T_TIME, "\"1us\"", NONNEG, NULL, "platform.type=three-tier",
     "Latency of each aggregation-core link."},
    {"platform.core_oversubscription", SGR_T_NUM, "1", 1e-6, INFINITY, NULL,
     "platform.type=three-tier",
     "Ratio leaves*spine_bw / (core_switches*core_bw) at each aggregation switch, used when "
     "core_bw is 0."},
    {"platform.topo_parameters", SGR_T_STR, NULL, ANY, NULL,
     "platform.type=fat-tree|dragonfly|torus",
     "SimGrid topology string: fat-tree \"2;4,4;1,2;1,2\", dragonfly \"3,4;4,3;5,1;2\", torus "
     "\"4,4,4\"."},
    {"platform.sites", SGR_T_INT, "2", 1, 1000, NULL, "platform.type=wan", "Number of WAN sites."},
    {"platform.hosts_per_site", SGR_T_INT, "8", 1, 1000000, NULL, "platform.type=wan",
     "Hosts at each site."},
    {"platform.wan_bw", SGR_T_BW, "\"1Gbps\"", 1, INFINITY, NULL, "platform.type=wan",
     "Bandwidth of each inter-site link."},
    {"platform.wan_lat", SGR_T_TIME, "\"20ms\"", NONNEG, NULL, "platform.type=wan",
     "Latency of each inter-site link."},
    {"platform.speed_dist", SGR_T_ENUM, "\"constant\"", ANY, "constant|uniform|lognormal", NULL,
     "Heterogeneity of host speeds; a host's compute time is divided by its drawn relative speed."},
    {"platform.speed_min", SGR_T_SPEED, NULL, 1, INFINITY, NULL, "platform.speed_dist=uniform",
     "Lowest host speed (uniform)."},
    {"platform.speed_max", SGR_T_SPEED, NULL, 1, INFINITY, NULL, "platform.speed_dist=uniform",
     "Highest host speed (uniform)."},
    {"platform.speed_sigma", SGR_T_NUM, "0.25", 0, 10, NULL, "platform.speed_dist=lognormal",
     "Standard deviation of log(speed) (lognormal, median host_speed)."},

    /* stragglers */
    {"stragglers.model", SGR_T_ENUM, "\"none\"", ANY, "none|iid|gilbert-elliott|bursty|trace", NULL,
     "How workers are slowed down, round by round."},
    {"stragglers.p", SGR_T_NUM, "0.1", UNIT, NULL, "stragglers.model=iid|bursty",
     "Probability that a worker straggles in a round (iid) or starts a burst (bursty)."},
    {"stragglers.slowdown", SGR_T_NUM, "5", 1, 1e6, NULL,
     "stragglers.model=iid|gilbert-elliott|bursty",
     "Factor applied to a straggler's compute time."},
    {"stragglers.delay_mean", SGR_T_TIME, "0", NONNEG, NULL,
     "stragglers.model=iid|gilbert-elliott|bursty",
     "Mean of an exponential delay added to a straggler's task (0: none)."},
    {"stragglers.p_good_to_bad", SGR_T_NUM, "0.05", UNIT, NULL, "stragglers.model=gilbert-elliott",
     "Per-round probability that a good worker turns bad."},
    {"stragglers.p_bad_to_good", SGR_T_NUM, "0.5", UNIT, NULL, "stragglers.model=gilbert-elliott",
     "Per-round probability that a bad worker recovers."},
    {"stragglers.burst_B", SGR_T_INT, "1", 1, 1000000, NULL, "stragglers.model=bursty",
     "B: longest burst of consecutive straggling rounds of one worker."},
    {"stragglers.burst_W", SGR_T_INT, "2", 1, 1000000, NULL, "stragglers.model=bursty",
     "W: window length in rounds."},
    {"stragglers.burst_lambda", SGR_T_INT, "1", 0, 1000000, NULL, "stragglers.model=bursty",
     "lambda: most distinct stragglers in any window of W rounds."},
    {"stragglers.trace", SGR_T_PATH, NULL, ANY, NULL, "stragglers.model=trace",
     "CSV of task times in seconds: one row per round, one column per worker."},
    {"stragglers.fail_prob", SGR_T_NUM, "0", UNIT, NULL, NULL,
     "Probability that a worker fails in a round: its result is lost (needs a round timeout or "
     "algorithm.wait_for)."},

    {"stragglers.host_failures", SGR_T_PATH, NULL, ANY, NULL, NULL,
     "CSV of host failures, one per row: host index, start (s), duration (s). The host is "
     "turned off (its actors die, its transfers fail) and on again; workers restart."},

    /* workload */
    {"workload.model", SGR_T_ENUM, "\"softmax\"", ANY, "lsq|logreg|softmax", NULL,
     "Least squares, l2-regularized logistic regression, or softmax (multinomial) regression."},
    {"workload.l2", SGR_T_NUM, "1e-4", NONNEG, NULL, NULL, "Ridge coefficient of the loss."},
    {"workload.dataset", SGR_T_ENUM, "\"synthetic\"", ANY, "synthetic|fashion-mnist|libsvm|csv",
     NULL, "Where the data comes from."},
    {"workload.fmnist_dir", SGR_T_PATH, "\"/usr/share/datasets/fashion-mnist\"", ANY, NULL,
     "workload.dataset=fashion-mnist", "Directory of the Fashion-MNIST IDX gzip files."},
    {"workload.path", SGR_T_PATH, NULL, ANY, NULL, "workload.dataset=libsvm|csv",
     "Training file: LIBSVM format (gzip or plain), or CSV with a header line naming the "
     "columns (the label column, the node column with workload.partition column, every other "
     "one a feature)."},
    {"workload.test_path", SGR_T_PATH, NULL, ANY, NULL, "workload.dataset=libsvm|csv",
     "Test file in the same format (else workload.test_fraction of the training file; with "
     "per-node data, no test set)."},
    {"workload.label_column", SGR_T_STR, "\"label\"", ANY, NULL, "workload.dataset=csv",
     "Name of the CSV column holding the label (-1/+1 or 0/1: two classes; integers: classes; "
     "otherwise a regression target)."},
    {"workload.node_column", SGR_T_STR, "\"node\"", ANY, NULL, "workload.partition=column",
     "Per-node data: the CSV column giving each row's node (0-based), or in LIBSVM the name K "
     "of a `K:i` token right after the label (\"node\": `1 node:3 1:0.5 ...`; \"qid\": "
     "svmlight's query ids)."},
    {"workload.node_files", SGR_T_PATH, NULL, ANY, NULL, "workload.partition=files",
     "Per-node data, one file per node: a path whose {node} is replaced by 0, 1, ..., n-1 (CSV "
     "or LIBSVM as workload.dataset says)."},
    {"workload.samples", SGR_T_INT, "0", 0, 1e9, NULL, NULL,
     "Training samples: generated (synthetic; 0 means 10000) or the first N read (0: all)."},
    {"workload.test_samples", SGR_T_INT, "0", 0, 1e9, NULL, NULL,
     "Test samples kept (0: all available)."},
    {"workload.features", SGR_T_INT, "50", 1, 1e7, NULL, "workload.dataset=synthetic",
     "Features of synthetic data."},
    {"workload.classes", SGR_T_INT, "10", 2, 100000, NULL, "workload.dataset=synthetic",
     "Classes of synthetic classification data (logreg uses 2)."},
    {"workload.condition", SGR_T_NUM, "10", 1, INFINITY, NULL, "workload.dataset=synthetic",
     "Condition number of the synthetic features' covariance."},
    {"workload.noise", SGR_T_NUM, "0.1", NONNEG, NULL, "workload.dataset=synthetic",
     "Standard deviation of the label noise of synthetic least squares."},
    {"workload.separation", SGR_T_NUM, "2", NONNEG, NULL, "workload.dataset=synthetic",
     "Distance between synthetic class centres, in standard deviations."},
    {"workload.test_fraction", SGR_T_NUM, "0.2", 0, 0.9, NULL,
     "workload.dataset=synthetic|libsvm|csv",
     "Fraction held out for testing when the dataset has no test file."},
    {"workload.bias", SGR_T_BOOL, "true", ANY, NULL, NULL,
     "Append a constant-1 feature (intercept)."},
    {"workload.partition", SGR_T_ENUM, "\"iid\"", ANY, "iid|shards|dirichlet|column|files", NULL,
     "How training samples are split across workers: drawn (iid, shards, dirichlet; rows "
     "shuffled), or given by the data, rows in file order: `column` (workload.node_column) or "
     "`files` (workload.node_files)."},
    {"workload.shards_per_node", SGR_T_INT, "2", 1, 100000, NULL, "workload.partition=shards",
     "Label shards per worker."},
    {"workload.dirichlet_alpha", SGR_T_NUM, "0.5", 1e-9, INFINITY, NULL,
     "workload.partition=dirichlet", "Concentration of the per-class Dirichlet label skew."},

    /* problem: the optimisation problem's constants (for the families that use "problem") */
    {"problem.mu", SGR_T_NUM, NULL, 1e-300, INFINITY, NULL, "@problem",
     "Strong convexity mu handed to the algorithms instead of the computed min_i mu_i (for the "
     "loss as simgrad defines it: lsq (1/2m)|Xw - y|^2 + l2/2 |w|^2; a (1/m)|Xw - y|^2 "
     "convention has twice the mu and L, see docs/model.md)."},
    {"problem.L", SGR_T_NUM, NULL, 1e-300, INFINITY, NULL, "@problem",
     "Smoothness L handed to the algorithms instead of the computed max_i L_i (e.g. the DADAO "
     "authors' logistic runs take max(mean |a|^2 / 4, mu))."},

    /* graph: the logical communication graph (for the families that use "graph") */
    {"graph.type", SGR_T_ENUM, "\"cycle\"", ANY,
     "star|cycle|path|complete|grid|torus|barbell|geometric|erdos-renyi|regular|watts-strogatz|"
     "file",
     "@graph", "Logical graph the nodes talk or walk on."},
    {"graph.n", SGR_T_INT, "0", 0, 1e8, NULL, "@graph",
     "Nodes (0: one per host). Node i runs on host i mod hosts."},
    {"graph.rows", SGR_T_INT, "0", 0, 1e8, NULL, "graph.type=grid|torus",
     "Rows of the grid or torus (0: as square as possible)."},
    {"graph.radius", SGR_T_NUM, "0.1", 0, 2, NULL, "graph.type=geometric",
     "Connection radius of the random geometric graph in the unit square."},
    {"graph.p", SGR_T_NUM, "0.1", 0, 1, NULL, "graph.type=erdos-renyi",
     "Edge probability of the Erdos-Renyi graph."},
    {"graph.degree", SGR_T_INT, "4", 1, 1e6, NULL, "graph.type=regular|watts-strogatz",
     "Degree d of the random regular graph, or k of Watts-Strogatz."},
    {"graph.beta", SGR_T_NUM, "0.1", 0, 1, NULL, "graph.type=watts-strogatz",
     "Rewiring probability of Watts-Strogatz."},
    {"graph.versions", SGR_T_INT, "1", 1, 10000, NULL, "@graph-sequence",
     "Time-varying graphs: this many graphs of the type (random kinds drawn anew), switched "
     "in turn."},
    {"graph.switch_every", SGR_T_NUM, "1", 1e-9, INFINITY, NULL, "@graph-sequence",
     "Time units (rounds for synchronous methods) between two graph switches (graph.switch "
     "interval)."},
    {"graph.switch", SGR_T_ENUM, "\"interval\"", ANY, "interval|chi1", "@graph-sequence",
     "When the graph in force changes: every graph.switch_every time units, or every 1/chi1 "
     "time units (graph floor(t chi1) mod K, the DADAO authors' rule; chi1 that of the "
     "sequence)."},
    {"graph.file", SGR_T_PATH, NULL, ANY, NULL, "graph.type=file",
     "Edge list, one \"u v\" pair of 0-based node indices per line ('#' comments; commas or "
     "blanks between fields). For the families that use graph sequences, also a sequence: "
     "\"graph u v\" "
     "lines (graph ids 0..K-1), or a path with {k} read for k = 0..graph.versions-1."},

    /* algorithm: the family; its own keys come from the family's table */
    {"algorithm.family", SGR_T_ENUM, NULL, ANY, NULL, NULL,
     "Scenario family to run (see the family tables below; the default is the first family of "
     "families/registry.c)."},

    /* output */
    {"output.dir", SGR_T_STR, NULL, ANY, NULL, NULL,
     "Run directory (default out/<scenario name>; relative to the current directory)."},
    {"output.paje", SGR_T_BOOL, "false", ANY, NULL, NULL, "Also write SimGrid's Paje trace."},
    {"output.chrome_trace", SGR_T_BOOL, "false", ANY, NULL, NULL,
     "Also write trace.json: Chrome trace events (Perfetto, chrome://tracing) of the traced "
     "actors' compute, send, recv and wait spans in simulated time (ts in microseconds); one "
     "process per host, one thread per actor."},
    {"output.chrome_trace_actors", SGR_T_INT, "64", 1, 1e9, NULL, NULL,
     "Actors traced per group of many (a family's workers, nodes or tokens): indices "
     "ceil(j n / N), j = 0..N-1, of the n, evenly spaced and always index 0; a family's single "
     "coordinators (server, master, clock, driver) are always traced besides."},
    {"output.chrome_trace_max_events", SGR_T_INT, "1000000", 0, 1e12, NULL, NULL,
     "Stop recording trace.json after this many events (about 150 bytes each; 0: no limit); "
     "its otherData.events_dropped then says how many were left out."},
    {"output.events", SGR_T_BOOL, "false", ANY, NULL, "@event-log",
     "Also write events.csv: every event (method, index, t in time units, simulated s, kind, "
     "i, j, graph id, absolute and relative error after it, %.17g); networked runs log each "
     "end's delivery (gossip-recv, gossip-reply). algorithm.replay reads it back."},
    {"output.progress", SGR_T_BOOL, "true", ANY, NULL, NULL,
     "Progress line on stderr when it is a terminal."},

    /* network: flow level (SimGrid's bandwidth sharing) or packet level (ns-3) */
    {"network.model", SGR_T_ENUM, "\"flow\"", ANY, "flow|packet", NULL,
     "flow: SimGrid's flow-level sharing (simulation.network_model); packet: ns-3 3.37 through "
     "SimGrid's binding (TCP, queues, per-packet routing), on star, leaf-spine and wan without "
     "backbone, for the families that support it (docs/packet.md lists them)."},
    {"network.ecmp", SGR_T_ENUM, "\"first\"", ANY, "first|spray", "network.model=packet",
     "Equal-cost paths at packet level (ns-3's global routing): first keeps the first route "
     "(every leaf-to-leaf packet crosses spine 0), spray picks one at random per packet."},
    {"network.tcp", SGR_T_ENUM, "\"cubic\"", ANY, "cubic|newreno", "network.model=packet",
     "TCP congestion control at packet level: ns-3's default CUBIC, or NewReno."},
    {"network.tcp_window", SGR_T_SIZE, "\"6MiB\"", 2048, 1073741824.0, NULL, "network.model=packet",
     "Receive buffer of every TCP connection, the largest window it advertises (Linux's "
     "default tcp_rmem maximum; ns-3's own default, 128 KiB, caps a 40 ms path at 3.3 MB/s)."},
    {"network.tcp_dupacks", SGR_T_INT, "3", 1, 1000000, NULL, "network.model=packet",
     "Duplicate ACKs that make TCP retransmit at packet level (ns-3's ReTxThreshold; TCP's 3): "
     "raise it to tolerate the reordering of per-packet spraying."},
    {"network.same_routes", SGR_T_BOOL, "false", ANY, NULL, "network.model=flow",
     "Flow level on the platform written for ns-3 (hosts, switches, one route per cable, "
     "shortest paths: spine 0 between leaves): isolates the routing difference from the "
     "model's in `simgrad compare-models`."},

    /* simulation */
    {"simulation.stack_size", SGR_T_SIZE, "\"256KiB\"", 16384, 1073741824.0, NULL, NULL,
     "Stack of each SimGrid actor (SimGrid's 8 MiB default is too large at 10,000 actors)."},
    {"simulation.network_model", SGR_T_ENUM, "\"LV08\"", ANY, "LV08|CM02|SMPI", NULL,
     "SimGrid network model; LV08 (SimGrid's default) corrects latency and bandwidth for TCP, "
     "CM02 uses the nominal values."},
    {"simulation.max_events", SGR_T_NUM, "1e9", 1, INFINITY, NULL, NULL,
     "Most events (gradients and messages) a gossip run may be expected to simulate, counted "
     "before it starts from the graph's constants: (nodes + lambda_mix) per time unit for each "
     "Poisson method, (nodes + 2 x edges) for each synchronous one, times algorithm.duration. "
     "A run estimated above it is refused (exit 2) with the estimate; at the 3,000 to 80,000 "
     "events per CPU second measured here, 1e9 events is hours to days."},
    {NULL, 0, NULL, 0, 0, NULL, NULL, NULL},
};
