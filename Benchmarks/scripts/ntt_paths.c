// cc -O3 -I CShims/include -I CShims Benchmarks/scripts/ntt_paths.c CShims/*.c -lflint -lgmp -o /tmp/ntt_paths && /tmp/ntt_paths
//
// The C kernels per SIMD path (scalar, avx2, avx512, ifma), without Swift: first a check that
// every path gives the scalar words (forward and inverse NTT at logN 1...16 for primes of
// 30 to 62 bits, and the Shoup scalar products), then timings, median of many runs:
// ns per butterfly of the forward and inverse NTT (n/2·logN butterflies each) at N = 8192
// and 16384 for a 60-bit and a 40-bit prime, and ns per word of the pointwise products
// (hef_mul and hef_mul_add have one vector kernel, AVX2 + FMA for q < 2^50, on every vector path).
// Paths the CPU lacks fall back to the best lower one (and are marked so). Run it under
// HEF_SIMD=scalar|avx2|avx512|ifma to check the dispatching entry points on each path too.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cshims.h"

typedef unsigned __int128 u128;

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t next_random(void) { // SplitMix64
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t q) { return (uint64_t)(((u128)a * b) % q); }
static uint64_t powmod(uint64_t a, uint64_t e, uint64_t q) {
    uint64_t r = 1;
    for (; e; e >>= 1, a = mulmod(a, a, q)) if (e & 1) r = mulmod(r, a, q);
    return r;
}
static int is_prime(uint64_t n) { // deterministic Miller–Rabin for 64-bit n
    static const uint64_t bases[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37 };
    if (n < 2) return 0;
    uint64_t d = n - 1; int s = 0;
    while (!(d & 1)) { d >>= 1; s++; }
    for (int i = 0; i < 12; i++) {
        uint64_t a = bases[i] % n;
        if (a == 0) continue;
        uint64_t x = powmod(a, d, n);
        if (x == 1 || x == n - 1) continue;
        int composite = 1;
        for (int r = 1; r < s; r++) { x = mulmod(x, x, n); if (x == n - 1) { composite = 0; break; } }
        if (composite) return 0;
    }
    return 1;
}
/// The largest prime q < 2^bits with q = 1 mod 2^17 (so every n up to 2^16 works).
static uint64_t find_prime(int bits) {
    const uint64_t step = (uint64_t)1 << 17;
    for (uint64_t q = (((uint64_t)1 << bits) - 1) / step * step + 1; ; q -= step) if (is_prime(q)) return q;
}

typedef struct {
    size_t logN, n; uint64_t q;
    uint64_t *w, *ws, *iw, *iws, invN, invNs;
} tables;

static uint64_t shoup(uint64_t w, uint64_t q) { return (uint64_t)(((u128)w << 64) / q); }
static size_t bitrev(size_t x, size_t bits) { size_t r = 0; for (size_t i = 0; i < bits; i++) r |= ((x >> i) & 1) << (bits - 1 - i); return r; }

static tables make_tables(uint64_t q, size_t logN) {
    tables t; t.logN = logN; t.n = (size_t)1 << logN; t.q = q;
    uint64_t psi = 0;
    for (uint64_t g = 2; ; g++) { // psi of order exactly 2n: psi^n = −1
        psi = powmod(g, (q - 1) / (2 * t.n), q);
        if (powmod(psi, t.n, q) == q - 1) break;
    }
    t.w = malloc(8 * t.n); t.ws = malloc(8 * t.n); t.iw = malloc(8 * t.n); t.iws = malloc(8 * t.n);
    for (size_t i = 0; i < t.n; i++) {
        t.w[i] = powmod(psi, bitrev(i, logN), q);
        t.iw[i] = powmod(t.w[i], q - 2, q);
        t.ws[i] = shoup(t.w[i], q); t.iws[i] = shoup(t.iw[i], q);
    }
    t.invN = powmod(t.n % q, q - 2, q); t.invNs = shoup(t.invN, q);
    return t;
}
static void free_tables(tables *t) { free(t->w); free(t->ws); free(t->iw); free(t->iws); }

typedef void (*fwd_fn)(uint64_t *, size_t, uint64_t, const uint64_t *, const uint64_t *);
typedef void (*inv_fn)(uint64_t *, size_t, uint64_t, const uint64_t *, const uint64_t *, uint64_t, uint64_t);
static const char *const path_names[] = { "scalar", "avx2", "avx512", "ifma" };
static const fwd_fn forwards[] = { hef_ntt_forward_scalar, hef_ntt_forward_avx2, hef_ntt_forward_avx512, hef_ntt_forward_avx512ifma };
static const inv_fn inverses[] = { hef_ntt_inverse_scalar, hef_ntt_inverse_avx2, hef_ntt_inverse_avx512, hef_ntt_inverse_avx512ifma };

static int path_available(int p) {
    return p == 0 || (p == 1 && hef_cpu_has_avx2()) || (p == 2 && hef_cpu_has_avx512()) || (p == 3 && hef_cpu_has_avx512ifma());
}

/// A count that is not a multiple of the vector width.
static size_t count_of(size_t n) { return n > 3 ? n - 3 : n; }

static int check(void) {
    static const int bitSizes[] = { 30, 36, 40, 45, 49, 50, 51, 55, 60, 61, 62 };
    int failures = 0;
    for (size_t logN = 1; logN <= 16; logN++) {
        for (size_t b = 0; b < sizeof bitSizes / sizeof bitSizes[0]; b++) {
            const uint64_t q = find_prime(bitSizes[b]);
            tables t = make_tables(q, logN);
            const size_t n = t.n;
            uint64_t *a = malloc(8 * n), *f0 = malloc(8 * n), *i0 = malloc(8 * n), *x = malloc(8 * n), *y = malloc(8 * n);
            for (int round = 0; round < 3; round++) {
                for (size_t i = 0; i < n; i++) {
                    a[i] = round == 0 ? next_random() % q : round == 1 ? q - 1 : (i % 2 ? q - 1 : 0);
                }
                memcpy(f0, a, 8 * n); hef_ntt_forward_scalar(f0, logN, q, t.w, t.ws);
                memcpy(i0, a, 8 * n); hef_ntt_inverse_scalar(i0, logN, q, t.iw, t.iws, t.invN, t.invNs);
                memcpy(x, f0, 8 * n); hef_ntt_inverse_scalar(x, logN, q, t.iw, t.iws, t.invN, t.invNs);
                if (memcmp(x, a, 8 * n)) { printf("FAIL scalar round trip logN %zu q %d bits\n", logN, bitSizes[b]); failures++; }
                for (int p = 1; p < 4; p++) {
                    memcpy(x, a, 8 * n); forwards[p](x, logN, q, t.w, t.ws);
                    if (memcmp(x, f0, 8 * n)) { printf("FAIL %s forward logN %zu q %d bits\n", path_names[p], logN, bitSizes[b]); failures++; }
                    memcpy(x, a, 8 * n); inverses[p](x, logN, q, t.iw, t.iws, t.invN, t.invNs);
                    if (memcmp(x, i0, 8 * n)) { printf("FAIL %s inverse logN %zu q %d bits\n", path_names[p], logN, bitSizes[b]); failures++; }
                }
                // The dispatching entry points (whatever path HEF_SIMD selected).
                memcpy(x, a, 8 * n); hef_ntt_forward(x, logN, q, t.w, t.ws);
                if (memcmp(x, f0, 8 * n)) { printf("FAIL dispatch (%s) forward logN %zu q %d bits\n", hef_simd_path(), logN, bitSizes[b]); failures++; }
                memcpy(x, a, 8 * n); hef_ntt_inverse(x, logN, q, t.iw, t.iws, t.invN, t.invNs);
                if (memcmp(x, i0, 8 * n)) { printf("FAIL dispatch (%s) inverse logN %zu q %d bits\n", hef_simd_path(), logN, bitSizes[b]); failures++; }
                // Pointwise products (the FMA kernel for q < 2^50), random and extreme words.
                const u128 mb = (~(u128)0) / q;
                for (size_t i = 0; i < n; i++) y[i] = round == 0 ? next_random() % q : q - 1 - (i % 3);
                memcpy(f0, a, 8 * n); hef_mul_on_path(0, f0, a, y, count_of(n), q, (uint64_t)(mb >> 64), (uint64_t)mb);
                memcpy(i0, f0, 8 * n); hef_mul_add_on_path(0, i0, a, y, count_of(n), q, (uint64_t)(mb >> 64), (uint64_t)mb);
                for (int p = 1; p < 4; p++) {
                    memcpy(x, a, 8 * n); hef_mul_on_path(p, x, a, y, count_of(n), q, (uint64_t)(mb >> 64), (uint64_t)mb);
                    if (memcmp(x, f0, 8 * n)) { printf("FAIL %s mul logN %zu q %d bits\n", path_names[p], logN, bitSizes[b]); failures++; }
                    memcpy(x, f0, 8 * n); hef_mul_add_on_path(p, x, a, y, count_of(n), q, (uint64_t)(mb >> 64), (uint64_t)mb);
                    if (memcmp(x, i0, 8 * n)) { printf("FAIL %s mul_add logN %zu q %d bits\n", path_names[p], logN, bitSizes[b]); failures++; }
                }
                // Shoup scalar products, with a count that is not a multiple of the vector width.
                const uint64_t s = next_random() % q;
                const size_t count = n > 3 ? n - 3 : n;
                memcpy(f0, i0, 8 * n); hef_mul_scalar_on_path(0, f0, a, s, count, q);
                memcpy(i0, f0, 8 * n); hef_mul_scalar_add_on_path(0, i0, a, s, count, q);
                for (int p = 1; p < 4; p++) {
                    memcpy(x, f0, 8 * n); memcpy(x, a, 8 * count);
                    hef_mul_scalar_on_path(p, x, x, s, count, q);
                    if (memcmp(x, f0, 8 * n)) { printf("FAIL %s mul_scalar logN %zu\n", path_names[p], logN); failures++; }
                    memcpy(y, f0, 8 * n); hef_mul_scalar_add_on_path(p, y, a, s, count, q);
                    if (memcmp(y, i0, 8 * n)) { printf("FAIL %s mul_scalar_add logN %zu\n", path_names[p], logN); failures++; }
                }
            }
            free(a); free(f0); free(i0); free(x); free(y); free_tables(&t);
        }
    }
    printf("check: %s (paths on this CPU: avx2 %d, avx512 %d, ifma %d)\n", failures ? "FAILED" : "all paths match scalar",
           hef_cpu_has_avx2(), hef_cpu_has_avx512(), hef_cpu_has_avx512ifma());
    return failures;
}

static double now_ns(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return ts.tv_sec * 1e9 + ts.tv_nsec; }
static int cmp_double(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
enum { RUNS = 301 };

/// Median over RUNS of the time of `reps` calls, per call.
#define MEDIAN_NS(result, reps, body) do { \
    static double samples[RUNS]; \
    for (int r = 0; r < RUNS; r++) { double t0 = now_ns(); for (int k = 0; k < (reps); k++) { body; } samples[r] = (now_ns() - t0) / (reps); } \
    qsort(samples, RUNS, sizeof(double), cmp_double); (result) = samples[RUNS / 2]; } while (0)

int main(int argc, char **argv) {
    (void)argv;
    printf("hef_simd_path() = %s\n", hef_simd_path());
    if (check()) return 1;
    if (argc > 1) return 0; // any argument: check only
    printf("\n| N | q bits | path | forward ns/butterfly | inverse ns/butterfly |\n|---|---|---|---|---|\n");
    static const int bits[] = { 60, 40 };
    for (size_t logN = 13; logN <= 14; logN++) {
        for (int b = 0; b < 2; b++) {
            const uint64_t q = find_prime(bits[b]);
            tables t = make_tables(q, logN);
            uint64_t *a = malloc(8 * t.n);
            for (size_t i = 0; i < t.n; i++) a[i] = next_random() % q;
            const double butterflies = (double)(t.n / 2) * logN;
            for (int p = 0; p < 4; p++) {
                double fns, ins;
                MEDIAN_NS(fns, 10, forwards[p](a, logN, q, t.w, t.ws));
                MEDIAN_NS(ins, 10, inverses[p](a, logN, q, t.iw, t.iws, t.invN, t.invNs));
                printf("| %zu | %d | %s%s | %.3f | %.3f |\n", t.n, bits[b], path_names[p],
                       path_available(p) ? "" : " (n/a: fell back)", fns / butterflies, ins / butterflies);
            }
            free(a); free_tables(&t);
        }
    }
    printf("\n| N | q bits | kernel | path | ns/word |\n|---|---|---|---|---|\n");
    for (int b = 0; b < 2; b++) {
        const size_t n = 16384;
        const uint64_t q = find_prime(bits[b]);
        uint64_t *x = malloc(8 * n), *y = malloc(8 * n), *z = malloc(8 * n);
        for (size_t i = 0; i < n; i++) { x[i] = next_random() % q; y[i] = next_random() % q; z[i] = 0; }
        const u128 m = (~(u128)0) / q; // floor((2^128 − 1) / q) = floor(2^128 / q) for q not a power of 2
        const uint64_t s = next_random() % q;
        double ns;
        for (int p = 0; p < 4; p++) {
            MEDIAN_NS(ns, 10, hef_mul_on_path(p, z, x, y, n, q, (uint64_t)(m >> 64), (uint64_t)m));
            printf("| %zu | %d | hef_mul | %s | %.3f |\n", n, bits[b], path_names[p], ns / n);
        }
        for (int p = 0; p < 4; p++) {
            for (size_t i = 0; i < n; i++) z[i] = 0;
            MEDIAN_NS(ns, 10, hef_mul_add_on_path(p, z, x, y, n, q, (uint64_t)(m >> 64), (uint64_t)m));
            printf("| %zu | %d | hef_mul_add | %s | %.3f |\n", n, bits[b], path_names[p], ns / n);
        }
        for (int p = 0; p < 4; p++) {
            MEDIAN_NS(ns, 10, hef_mul_scalar_on_path(p, z, x, s, n, q));
            printf("| %zu | %d | hef_mul_scalar | %s | %.3f |\n", n, bits[b], path_names[p], ns / n);
        }
        for (int p = 0; p < 4; p++) {
            MEDIAN_NS(ns, 10, hef_mul_scalar_add_on_path(p, z, x, s, n, q));
            printf("| %zu | %d | hef_mul_scalar_add | %s | %.3f |\n", n, bits[b], path_names[p], ns / n);
        }
        free(x); free(y); free(z);
    }
    return 0;
}
