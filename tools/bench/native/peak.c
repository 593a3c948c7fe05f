// Peak arithmetic rate of this CPU's 512-bit SIMD units, the ceiling every int8 and float32
// inference engine on it runs against (`pnpm bench deploy-profile`, "peak"). Twelve independent
// accumulator chains per thread hide the instruction latency, so the loop is throughput-bound:
//   int8:  VPDPBUSD, 16 lanes x 4 u8*s8 products = 64 MACs (128 ops) per instruction;
//   float: VFMADD231PS, 16 lanes = 16 MACs (32 flops) per instruction.
// usage: peak int8|float THREADS  -> one JSON line {"kind","threads","gops","seconds"}
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHAINS 12
#define ITERS 2000000000L

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *int8_chains(void *out) {
  __m512i acc[CHAINS];
  for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_set1_epi32(i);
  __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(5);
  for (long n = 0; n < ITERS / CHAINS; n++) {
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
    __asm__ volatile("" : "+v"(a)); /* keep the loop from being folded away */
  }
  __m512i s = acc[0];
  for (int i = 1; i < CHAINS; i++) s = _mm512_add_epi32(s, acc[i]);
  *(int *)out = _mm512_reduce_add_epi32(s);
  return 0;
}

static void *float_chains(void *out) {
  __m512 acc[CHAINS];
  for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_set1_ps((float)i);
  __m512 a = _mm512_set1_ps(1.0f), b = _mm512_set1_ps(1e-9f);
  for (long n = 0; n < ITERS / CHAINS; n++) {
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_fmadd_ps(a, b, acc[i]);
    __asm__ volatile("" : "+v"(a));
  }
  __m512 s = acc[0];
  for (int i = 1; i < CHAINS; i++) s = _mm512_add_ps(s, acc[i]);
  *(float *)out = _mm512_reduce_add_ps(s);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3 || (strcmp(argv[1], "int8") && strcmp(argv[1], "float"))) {
    fprintf(stderr, "usage: peak int8|float THREADS\n");
    return 2;
  }
  int int8 = !strcmp(argv[1], "int8");
  int threads = atoi(argv[2]);
  if (threads < 1 || threads > 64) {
    fprintf(stderr, "peak: THREADS must be 1..64, got %s\n", argv[2]);
    return 2;
  }
  pthread_t th[64];
  int out[64];
  double t = now();
  for (int i = 0; i < threads; i++)
    pthread_create(&th[i], 0, int8 ? int8_chains : float_chains, &out[i]);
  for (int i = 0; i < threads; i++) pthread_join(th[i], 0);
  t = now() - t;
  double opsPerInstruction = int8 ? 128 : 32;
  double ops = (double)(ITERS / CHAINS) * CHAINS * opsPerInstruction * threads;
  printf("{\"kind\":\"%s\",\"threads\":%d,\"gops\":%.0f,\"seconds\":%.3f}\n", argv[1], threads,
         ops / t / 1e9, t);
  return 0;
}
