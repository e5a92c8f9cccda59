/* simgrad: deterministic random streams.
 *
 * Every random choice in a run comes from the scenario's one seed. Each consumer derives its
 * own stream from (seed, stream name, index), so adding a consumer never shifts the numbers
 * another one sees, and the same scenario and seed give byte-identical results. */
#ifndef SIMGRAD_RNG_H
#define SIMGRAD_RNG_H

#include <gsl/gsl_rng.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A 64-bit seed derived from (seed, stream, index) by a splitmix64-style hash. Can't fail. */
unsigned long sgr_seed_derive(unsigned long seed, const char *stream, unsigned long index);

/* A new gsl_rng (mt19937) seeded with sgr_seed_derive(seed, stream, index).
 * On allocation failure, NULL is returned. Free with gsl_rng_free. */
gsl_rng *sgr_rng_new(unsigned long seed, const char *stream, unsigned long index);

#ifdef __cplusplus
}
#endif
#endif
