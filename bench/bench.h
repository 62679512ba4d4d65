/*
 * bench.h - what the benchmark programs share: a fixed pseudo-random
 * sequence (xorshift64, so that every run measures the same data) and a
 * monotonic clock. Define BENCH_SEED before including to pick another sequence.
 */
#ifndef KC_BENCH_H
#define KC_BENCH_H

#include <stdint.h>
#include <time.h>

#ifndef BENCH_SEED
#define BENCH_SEED 0x9e3779b97f4a7c15ULL
#endif

static uint64_t rng = BENCH_SEED;

static inline uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
