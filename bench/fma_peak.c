/* The machine's f32 arithmetic ceiling: every thread runs 12 independent 8-wide FMA chains
 * (enough to hide the FMA latency on both pipes), nothing else. Prints GFLOPS for N threads.
 * Built and run by bench/contextual.sh: gcc -O3 -funroll-all-loops -mavx2 -mfma -pthread. */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define STEPS 333333333L /* x 12 FMAs x 16 flops: 64 GFLOP per thread */

static void *chains(void *out) {
  __m256 acc[12];
  const __m256 mul = _mm256_set1_ps(0.999999f), add = _mm256_set1_ps(1e-7f);
  for (int i = 0; i < 12; i++) acc[i] = _mm256_set1_ps((float)i);
  for (long n = 0; n < STEPS; n++)
    for (int i = 0; i < 12; i++) acc[i] = _mm256_fmadd_ps(acc[i], mul, add);
  float sum = 0; /* used, so the chains are not optimised away */
  for (int i = 0; i < 12; i++) sum += acc[i][0];
  *(float *)out = sum;
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 2;
  if (threads < 1 || threads > 64) return 2;
  pthread_t th[64];
  float out[64];
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (int i = 0; i < threads; i++) pthread_create(&th[i], NULL, chains, &out[i]);
  for (int i = 0; i < threads; i++) pthread_join(th[i], NULL);
  clock_gettime(CLOCK_MONOTONIC, &end);
  double s = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
  printf("%.1f\n", threads * (double)STEPS * 12 * 16 / s / 1e9);
  return out[0] == 12345.0f; /* never true; keeps `out` live */
}
