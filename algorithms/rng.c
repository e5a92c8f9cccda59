#include "simgrad/rng.h"

#include <stdint.h>

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

unsigned long sgr_seed_derive(unsigned long seed, const char *stream, unsigned long index)
{
    uint64_t h = splitmix64((uint64_t)seed);
    for (const unsigned char *p = (const unsigned char *)stream; p && *p; p++)
        h = splitmix64(h ^ *p);
    h = splitmix64(h ^ (uint64_t)index);
    /* mt19937 takes an unsigned long but only uses 32 bits; 0 means "default seed" in GSL. */
    unsigned long s = (unsigned long)(h ^ (h >> 32)) & 0xffffffffUL;
    return s ? s : 1;
}

gsl_rng *sgr_rng_new(unsigned long seed, const char *stream, unsigned long index)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (r)
        gsl_rng_set(r, sgr_seed_derive(seed, stream, index));
    return r;
}
