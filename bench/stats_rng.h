/* The seeded PRNG behind the randomised statistics (bootstrap, permutation
 * tests): splitmix64 (Steele, Lea & Flood, "Fast splittable pseudorandom
 * number generators", OOPSLA 2014). Small, fast and good enough for
 * resampling; not for cryptography. */
#ifndef BENCH_STATS_RNG_H
#define BENCH_STATS_RNG_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t stats_rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform integer in [0, n) by Lemire's multiply-shift (bias < n / 2^64). */
static inline size_t stats_rng_below(uint64_t *state, size_t n)
{
	return (size_t)(((unsigned __int128)stats_rng_next(state) * n) >> 64);
}

/* Uniform double in [0, 1). */
static inline double stats_rng_unit(uint64_t *state)
{
	return (double)(stats_rng_next(state) >> 11) * 0x1.0p-53;
}

#endif
