/* Packet level (network.model "packet", ns-3 through SimGrid's binding) against arithmetic
 * written here from first principles, not from ns-3's code:
 *  - a transfer between two hosts: the TCP handshake, then slow start (NewReno: the window
 *    starts at 10 segments and grows by one per ACK, every segment ACKed at once), each
 *    1000-byte segment 1042 bytes on the wire (20 IP, 20 TCP, 2 PPP header bytes), store and
 *    forward at the switch, and the receiver's ACK and FIN back, which is when the binding
 *    ends the transfer. Sizes from 1 byte to 10 MB over 1 ms links, within 1%;
 *  - an incast of 8 flows: the receiver's link is the bottleneck from the first packets on,
 *    so the last byte lands after 8 x the segments of one flow at line rate; FQ-CoDel shares
 *    the link, so every flow ends within 2% of the last, as max-min fairness says. Within 1%;
 *  - the same experiments at flow level (CM02) end exactly at latency + bytes / bandwidth.
 * The runs go through the command (simgrad run, the ping family's incast), as a user's would:
 * packet level restarts the process and leaves with _exit, which a test cannot do in-process. */
#include "testutil.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/sgr_test_packet_XXXXXX";

#define BW 125e6 /* bytes/s of every link: 1 Gbps */
#define MSS 1000 /* SimGrid's ns3::TcpSocket::SegmentSize */
#define HDR 42   /* IPv4 20 + TCP 20 (no timestamps: SimGrid turns them off) + PPP 2 */
#define SYN 50   /* a SYN carries window scaling and SACK-permitted: 8 option bytes more */
#define IW 10    /* initial window, segments */
#define MAX_SEGS 20000

/* Seconds to put `bytes` of payload (with its headers) on one link. */
static double wire(double bytes)
{
    return (bytes + HDR) * 8.0 / (BW * 8.0);
}

/* A transfer of S bytes over `hops` links of latency d, each of bandwidth BW, alone on its
 * path: completion time at the sender, measured from the moment it starts. */
static double transfer_time(double S, int hops, double d)
{
    static double start[MAX_SEGS], acked[MAX_SEGS];
    size_t n = (size_t)ceil(S / MSS);
    CU_ASSERT_FATAL(n <= MAX_SEGS);
    double t_syn = (SYN)*8.0 / (BW * 8.0), t_ack = wire(0);
    /* SYN there, SYN-ACK back; the handshake's ACK leaves before the first segment */
    double now = 2 * hops * (d + t_syn) + t_ack;
    double arrival = 0;
    for (size_t i = 0; i < n; i++) {
        double bytes = i + 1 < n ? MSS : S - MSS * (double)(n - 1);
        /* in flight <= cwnd = IW + acked: segment i waits for ack number ceil((i+1-IW)/2) */
        if (i >= IW) {
            size_t need = (i + 1 - IW + 1) / 2;
            now = fmax(now, acked[need - 1]);
        }
        start[i] = now;
        double t = wire(bytes);
        /* store and forward: the segment's serialisation once per hop, no queue behind it
         * (every link has the same bandwidth) */
        arrival = start[i] + hops * (t + d);
        acked[i] = arrival + hops * (t_ack + d);
        now = start[i] + t;
    }
    /* the receiver ACKs the last segment (which carries the sender's FIN) and sends its own
     * FIN right behind: the sender closes when that FIN arrives */
    return arrival + (hops + 1) * t_ack + hops * d;
}

/* An incast of k flows of S bytes over a star (2 hops, latency d each): the receiver's link is
 * busy from the first segments' arrival at the switch until the last byte; then the FIN back. */
static double incast_time(double S, int k, double d)
{
    double t_syn = SYN * 8.0 / (BW * 8.0), t_ack = wire(0);
    double segs = ceil(S / MSS), last = S - MSS * (segs - 1);
    double first_at_switch = 4 * (d + t_syn) + t_ack + wire(MSS) + d;
    double busy = k * ((segs - 1) * wire(MSS) + wire(last));
    return first_at_switch + busy + d + 3 * t_ack + 2 * d;
}

static int run_incast(const char *name, const char *json, const char *model)
{
    char path[512], cmd[2048];
    snprintf(path, sizeof path, "%s/%s.json", tmpdir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(json, f);
    fclose(f);
    const char *bin = getenv("SIMGRAD_BIN");
    snprintf(cmd, sizeof cmd,
             "%s run %s --quiet --out %s/%s-%s --set network.model=%s >%s/%s-%s.log 2>&1",
             bin ? bin : "./simgrad", path, tmpdir, name, model, model, tmpdir, name, model);
    return system(cmd);
}

/* A message's columns in metrics.csv, in the order read_rows gives them. */
enum { SIZE, START, END, DURATION, NCOLS };
static const char *const wanted[NCOLS] = {"size_bytes", "start_s", "time_s", "duration_s"};

/* metrics.csv of an incast run: per message, its size, start, end and duration, found by
 * their column names. Returns the rows read (0 if a column is missing). */
static size_t read_rows(const char *name, const char *model, double rows[][NCOLS], size_t max)
{
    char path[512], line[512], *save, *tok;
    int at[NCOLS] = {-1, -1, -1, -1}, col = 0;
    snprintf(path, sizeof path, "%s/%s-%s/metrics.csv", tmpdir, name, model);
    FILE *f = fopen(path, "r");
    size_t n = 0;
    if (!f)
        return 0;
    if (fgets(line, sizeof line, f))
        for (tok = strtok_r(line, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save), col++)
            for (int k = 0; k < NCOLS; k++)
                at[k] = strcmp(tok, wanted[k]) == 0 ? col : at[k];
    for (int k = 0; k < NCOLS; k++)
        if (at[k] < 0)
            max = 0;
    while (n < max && fgets(line, sizeof line, f)) {
        col = 0;
        for (tok = strtok_r(line, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save), col++)
            for (int k = 0; k < NCOLS; k++)
                if (at[k] == col)
                    rows[n][k] = strtod(tok, NULL);
        n++;
    }
    fclose(f);
    return n;
}

static const char two_hosts[] =
    "{\"seed\": 1, \"platform\": {\"type\": \"star\", \"hosts\": 2, \"host_bw\": \"1Gbps\","
    " \"host_lat\": \"1ms\"},"
    " \"network\": {\"tcp\": \"newreno\"},"
    " \"simulation\": {\"network_model\": \"CM02\"},"
    " \"algorithm\": {\"family\": \"ping\", \"pattern\": \"incast\","
    " \"sizes\": \"1,100kB,1MB,10MB\", \"loads\": \"1\", \"repeats\": 1}}";

static void test_two_host_transfer(void)
{
    static double rows[16][NCOLS];
    CU_ASSERT_EQUAL_FATAL(run_incast("two", two_hosts, "packet"), 0);
    size_t n = read_rows("two", "packet", rows, 16);
    CU_ASSERT_EQUAL_FATAL(n, 4);
    for (size_t i = 0; i < n; i++) {
        double want = transfer_time(rows[i][SIZE], 2, 1e-3);
        double rel = fabs(rows[i][DURATION] - want) / want;
        printf("\n  %10.0f B: ns-3 %.6f s, slow-start arithmetic %.6f s (%.3f%%)", rows[i][SIZE],
               rows[i][DURATION], want, 100 * rel);
        CU_ASSERT(rel < 0.01);
    }
    CU_ASSERT_EQUAL_FATAL(run_incast("two", two_hosts, "flow"), 0);
    CU_ASSERT_EQUAL_FATAL(read_rows("two", "flow", rows, 16), 4);
    for (size_t i = 0; i < 4; i++) /* CM02: latency + size / bandwidth */
        CU_ASSERT_DOUBLE_EQUAL(rows[i][DURATION], 2e-3 + rows[i][SIZE] / BW,
                               1e-9 * rows[i][DURATION]);
}

static const char incast[] =
    "{\"seed\": 1, \"platform\": {\"type\": \"star\", \"hosts\": 9, \"host_bw\": \"1Gbps\","
    " \"host_lat\": \"10us\"},"
    " \"simulation\": {\"network_model\": \"CM02\"},"
    " \"algorithm\": {\"family\": \"ping\", \"pattern\": \"incast\", \"sizes\": \"1MB\","
    " \"loads\": \"8\", \"repeats\": 1}}";

static void test_incast_8_flows(void)
{
    static double rows[16][NCOLS];
    CU_ASSERT_EQUAL_FATAL(run_incast("incast", incast, "packet"), 0);
    CU_ASSERT_EQUAL_FATAL(read_rows("incast", "packet", rows, 16), 8);
    double want = incast_time(1e6, 8, 10e-6), last = 0, first = INFINITY;
    for (size_t i = 0; i < 8; i++) {
        last = fmax(last, rows[i][DURATION]);
        first = fmin(first, rows[i][DURATION]);
        CU_ASSERT_EQUAL(rows[i][START], rows[0][START]); /* the 8 start at once */
        CU_ASSERT_DOUBLE_EQUAL(rows[i][END] - rows[i][START], rows[i][DURATION], 1e-12);
    }
    printf("\n  8 x 1 MB: last flow %.6f s, first %.6f s; line-rate arithmetic %.6f s (%.3f%%)",
           last, first, want, 100 * fabs(last - want) / want);
    CU_ASSERT(fabs(last - want) / want < 0.01);
    CU_ASSERT(first > 0.98 * last); /* fair sharing: every flow ends with the others */
    CU_ASSERT_EQUAL_FATAL(run_incast("incast", incast, "flow"), 0);
    CU_ASSERT_EQUAL_FATAL(read_rows("incast", "flow", rows, 16), 8);
    for (size_t i = 0; i < 8; i++) /* max-min: each gets 1/8 of the receiver's link */
        CU_ASSERT_DOUBLE_EQUAL(rows[i][DURATION], 20e-6 + 8e6 / BW, 1e-9);
}

/* The arithmetic itself, on cases worked by hand. */
static void test_arithmetic(void)
{
    /* 1 byte over one 1 ms link: 4 latencies + SYN, SYN-ACK, ACK+data, ACK+FIN on the wire
     * (50 + 50 + 42 + 43 + 42 + 42 bytes), as measured in bench/run_ns3_facts.sh (check 1) */
    CU_ASSERT_DOUBLE_EQUAL(transfer_time(1, 1, 1e-3), 4e-3 + 269 * 8e-9, 1e-12);
    /* a window-limited transfer takes whole round trips: 30 segments over 1 ms need the
     * initial 10, then 20 more after the first ACKs, about one more round trip */
    double t30 = transfer_time(30000, 1, 1e-3), t10 = transfer_time(10000, 1, 1e-3);
    CU_ASSERT(t30 - t10 > 2e-3 && t30 - t10 < 2.3e-3);
}

int main(void)
{
    if (!mkdtemp(tmpdir))
        return 1;
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("packet", NULL, NULL);
    TEST_ADD(s, test_arithmetic);
    TEST_ADD(s, test_two_host_transfer);
    TEST_ADD(s, test_incast_8_flows);
    int rc = test_run_all();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
