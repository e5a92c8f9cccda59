/* algorithm.step_solver "fluid": a step's time from simgrad's own max-min solver
 * (simgrad/maxmin.h) instead of SimGrid's, over the routes, bandwidths and latencies the
 * fabric zone hands SimGrid for the same subflows. The driver then sleeps that time and loads
 * the links as the communications would have (as for a reused step). */
#include <math.h>
#include <stdlib.h>

#include "families/fabric/fabric.h"
#include "simgrad/maxmin.h"

struct fb_fluid {
    sgr_maxmin *mm;
    double *bw, *lat; /* per link id */
    double gamma;     /* network/TCP-gamma */
    size_t cap, ecap; /* room for subflows, route entries */
    size_t *off;
    uint32_t *ids;
    double *bytes, *flat, *bound;
};

fb_fluid *fb_fluid_new(sgr_err *err)
{
    fb_fluid *f = calloc(1, sizeof *f);
    size_t n = sgr_fabric_nids();
    if (!f || !(f->bw = malloc(n * sizeof *f->bw)) || !(f->lat = malloc(n * sizeof *f->lat))) {
        fb_fluid_free(f);
        sgr_fail(err, "out of memory");
        return NULL;
    }
    sgr_err why = {""};
    if (sgr_fabric_plain_cm02(&f->gamma, &why) < 0) {
        sgr_fail(err,
                 "algorithm.step_solver \"fluid\" reproduces SimGrid's CM02 model as the fabric "
                 "family sets it, but %s: use simulation.network_model \"CM02\" without "
                 "--cfg=network/ overrides, or step_solver \"simgrid\"",
                 why.msg);
        fb_fluid_free(f);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        sgr_fabric_id_speed(i, &f->bw[i], &f->lat[i]);
    if (!(f->mm = sgr_maxmin_new(n, f->bw))) {
        fb_fluid_free(f);
        sgr_fail(err, "out of memory");
        return NULL;
    }
    return f;
}

void fb_fluid_free(fb_fluid *f)
{
    if (!f)
        return;
    sgr_maxmin_free(f->mm);
    free(f->bw);
    free(f->lat);
    free(f->off);
    free(f->ids);
    free(f->bytes);
    free(f->flat);
    free(f->bound);
    free(f);
}

/* Room for n subflows of routes up to SGR_FABRIC_MAX_ROUTE links. Returns 0 or -1. */
static int reserve(fb_fluid *f, size_t n)
{
    if (n <= f->cap)
        return 0;
    size_t e = n * SGR_FABRIC_MAX_ROUTE;
    size_t *off = realloc(f->off, (n + 1) * sizeof *off);
    if (off)
        f->off = off;
    uint32_t *ids = realloc(f->ids, e * sizeof *ids);
    if (ids)
        f->ids = ids;
    double *bytes = realloc(f->bytes, n * sizeof *bytes);
    if (bytes)
        f->bytes = bytes;
    double *lat = realloc(f->flat, n * sizeof *lat);
    if (lat)
        f->flat = lat;
    double *bound = realloc(f->bound, n * sizeof *bound);
    if (bound)
        f->bound = bound;
    if (!off || !ids || !bytes || !lat || !bound)
        return -1;
    f->cap = n;
    return 0;
}

/* SimGrid's CM02 for one communication over a route: its latency (the links' sum) and its
 * rate bound (the slowest link, and TCP-gamma over twice the latency). */
static void route_model(fb_fluid *f, size_t i, const size_t *route, size_t len)
{
    double lat = 0, bound = -1;
    for (size_t k = 0; k < len; k++) {
        f->ids[f->off[i] + k] = (uint32_t)route[k];
        lat += f->lat[route[k]];
        if (bound < 0 || f->bw[route[k]] < bound)
            bound = f->bw[route[k]];
    }
    if (lat > 0 && f->gamma > 0 && (bound < 0 || f->gamma / (2 * lat) < bound))
        bound = f->gamma / (2 * lat);
    f->flat[i] = lat;
    f->bound[i] = bound;
}

int fb_fluid_step(fb_fluid *f, const sgr_flows *sub, double *dt, sgr_err *err)
{
    if (reserve(f, sub->n) < 0)
        return sgr_fail(err, "out of memory");
    f->off[0] = 0;
    for (size_t i = 0; i < sub->n; i++) {
        const sgr_flow *fl = &sub->v[i];
        size_t route[SGR_FABRIC_MAX_ROUTE];
        size_t len = sgr_fabric_route_ids(fl->src, fl->dst, fl->path, route);
        f->off[i + 1] = f->off[i] + len;
        f->bytes[i] = floor(fl->bytes); /* SimGrid sends whole bytes (sgr_fabric_put) */
        route_model(f, i, route, len);
    }
    sgr_maxmin_flows mf = {sub->n, f->off, f->ids, f->bytes, f->flat, f->bound};
    if (sgr_maxmin_run(f->mm, &mf, dt, NULL, NULL) < 0)
        return sgr_fail(err, "the fluid step solver ran out of memory, or a subflow crosses a "
                             "link that is down");
    return 0;
}
