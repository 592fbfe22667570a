// Negacyclic NTT with Harvey's lazy butterflies and Shoup twiddles.
// Forward (Cooley–Tukey): values stay in [0, 4q); inverse (Gentleman–Sande): in [0, 2q).
// Both end fully reduced in [0, q). Layout and loop structure as NTTTables documents.
#include <stdlib.h>
#include <string.h>
#include "cshims.h"
#include "modarith.h"
#include "ntt_internal.h"

HEF_INLINE uint64_t hef_reduce4q(uint64_t x, uint64_t q, uint64_t q2) {
    x = hef_csub(x, q2);
    return hef_csub(x, q);
}

void hef_ntt_forward_scalar(uint64_t *restrict a, size_t logN, uint64_t q,
                     const uint64_t *restrict w, const uint64_t *restrict ws) {
    const size_t n = (size_t)1 << logN;
    const uint64_t q2 = 2 * q;
    if (n == 1) { a[0] = hef_reduce4q(a[0], q, q2); return; }
    size_t t = n;
    size_t m = 1;
    // General stages, t >= 4.
    for (; m < n / 4; m <<= 1) {
        t >>= 1;
        HEF_SCALAR_LOOP
        for (size_t i = 0; i < m; i++) {
            const uint64_t W = w[m + i], Ws = ws[m + i];
            uint64_t *restrict X = a + 2 * i * t;
            uint64_t *restrict Y = X + t;
            HEF_SCALAR_LOOP
            for (size_t j = 0; j < t; j += 4) {
                uint64_t x0 = hef_csub(X[j], q2), x1 = hef_csub(X[j + 1], q2);
                uint64_t x2 = hef_csub(X[j + 2], q2), x3 = hef_csub(X[j + 3], q2);
                uint64_t u0 = hef_mul_shoup_lazy(Y[j], W, Ws, q), u1 = hef_mul_shoup_lazy(Y[j + 1], W, Ws, q);
                uint64_t u2 = hef_mul_shoup_lazy(Y[j + 2], W, Ws, q), u3 = hef_mul_shoup_lazy(Y[j + 3], W, Ws, q);
                X[j] = x0 + u0; X[j + 1] = x1 + u1; X[j + 2] = x2 + u2; X[j + 3] = x3 + u3;
                Y[j] = x0 - u0 + q2; Y[j + 1] = x1 - u1 + q2; Y[j + 2] = x2 - u2 + q2; Y[j + 3] = x3 - u3 + q2;
            }
        }
    }
    // t = 2: blocks of four words (a0, a1 | a2, a3).
    if (n >= 4) {
        HEF_SCALAR_LOOP
        for (size_t i = 0; i < m; i++) {
            const uint64_t W = w[m + i], Ws = ws[m + i];
            uint64_t *restrict X = a + 4 * i;
            uint64_t x0 = X[0], x1 = X[1];
            x0 = hef_csub(x0, q2);
            x1 = hef_csub(x1, q2);
            uint64_t u0 = hef_mul_shoup_lazy(X[2], W, Ws, q);
            uint64_t u1 = hef_mul_shoup_lazy(X[3], W, Ws, q);
            X[0] = x0 + u0;
            X[1] = x1 + u1;
            X[2] = x0 - u0 + q2;
            X[3] = x1 - u1 + q2;
        }
        m <<= 1;
    }
    // t = 1, with the final reduction to [0, q).
    HEF_SCALAR_LOOP
    for (size_t i = 0; i < m; i++) {
        const uint64_t W = w[m + i], Ws = ws[m + i];
        uint64_t *restrict X = a + 2 * i;
        uint64_t x = X[0];
        x = hef_csub(x, q2);
        uint64_t u = hef_mul_shoup_lazy(X[1], W, Ws, q);
        X[0] = hef_reduce4q(x + u, q, q2);
        X[1] = hef_reduce4q(x - u + q2, q, q2);
    }
}

void hef_ntt_inverse_scalar(uint64_t *restrict a, size_t logN, uint64_t q,
                     const uint64_t *restrict w, const uint64_t *restrict ws,
                     uint64_t inverseN, uint64_t inverseNShoup) {
    const size_t n = (size_t)1 << logN;
    const uint64_t q2 = 2 * q;
    if (n == 1) { a[0] = hef_mul_shoup(a[0], inverseN, inverseNShoup, q); return; }
    size_t t = 1;
    size_t m = n >> 1;
    // t = 1 stage (when it is not also the last).
    if (m > 1) {
        HEF_SCALAR_LOOP
        for (size_t i = 0; i < m; i++) {
            const uint64_t W = w[m + i], Ws = ws[m + i];
            uint64_t *restrict X = a + 2 * i;
            uint64_t x = X[0], y = X[1];
            uint64_t s = x + y;
            X[0] = hef_csub(s, q2);
            X[1] = hef_mul_shoup_lazy(x - y + q2, W, Ws, q);
        }
        m >>= 1;
        t = 2;
    }
    for (; m > 1; m >>= 1) {
        HEF_SCALAR_LOOP
        for (size_t i = 0; i < m; i++) {
            const uint64_t W = w[m + i], Ws = ws[m + i];
            uint64_t *restrict X = a + 2 * i * t;
            uint64_t *restrict Y = X + t;
            HEF_SCALAR_LOOP
            for (size_t j = 0; j < t; j++) {
                uint64_t x = X[j], y = Y[j];
                uint64_t s = x + y;
                X[j] = hef_csub(s, q2);
                Y[j] = hef_mul_shoup_lazy(x - y + q2, W, Ws, q);
            }
        }
        t <<= 1;
    }
    // Last stage (m = 1, t = n/2) with n^-1 folded in.
    const uint64_t W = (uint64_t)(((hef_u128)w[1] * inverseN) % q);
    const uint64_t Ws = hef_shoup(W, q);
    uint64_t *restrict X = a;
    uint64_t *restrict Y = a + t;
    HEF_SCALAR_LOOP
    for (size_t j = 0; j < t; j++) {
        uint64_t x = X[j], y = Y[j];
        uint64_t s = hef_mul_shoup_lazy(x + y, inverseN, inverseNShoup, q);
        uint64_t d = hef_mul_shoup_lazy(x - y + q2, W, Ws, q);
        X[j] = hef_csub(s, q);
        Y[j] = hef_csub(d, q);
    }
}

// MARK: Run-time dispatch

// Paths in increasing order; each CPU supports a prefix of them.
enum { HEF_CPU_SCALAR = 0, HEF_CPU_AVX2 = 1, HEF_CPU_AVX512 = 2, HEF_CPU_AVX512_IFMA = 3 };

static const char *const hef_path_names[] = { "scalar", "avx2", "avx512", "ifma" };

/// The best path this CPU can run, regardless of the environment.
static int hef_cpu_detect(void) {
#if HEF_HAVE_AVX512_NTT
    __builtin_cpu_init();
    if (!(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) return HEF_CPU_SCALAR;
    if (!(__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
          __builtin_cpu_supports("avx512vl"))) return HEF_CPU_AVX2;
    return __builtin_cpu_supports("avx512ifma") ? HEF_CPU_AVX512_IFMA : HEF_CPU_AVX512;
#else
    return HEF_CPU_SCALAR;
#endif
}

/// The path the environment asks for: HEF_SIMD=scalar|avx2|avx512|ifma; else HEF_NO_AVX512=1
/// (the older switch) means avx2; else no limit. Unknown names mean no limit.
static int hef_requested_level(void) {
    const char *simd = getenv("HEF_SIMD");
    if (simd != NULL && simd[0] != '\0') {
        for (int level = HEF_CPU_SCALAR; level <= HEF_CPU_AVX512_IFMA; level++) {
            if (strcmp(simd, hef_path_names[level]) == 0) return level;
        }
        return HEF_CPU_AVX512_IFMA; // "avx512ifma" and unknown names: the best there is
    }
    const char *off = getenv("HEF_NO_AVX512");
    if (off != NULL && off[0] != '\0' && off[0] != '0') return HEF_CPU_AVX2;
    return HEF_CPU_AVX512_IFMA;
}

static int hef_min_level(int a, int b) { return a < b ? a : b; }

/// Cached: the CPU's best path (hardware) and the path in use (capped by the environment),
/// both read once.
static int hef_cpu_hardware_level(void) {
    static int cached = -1;
    int level = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (level < 0) {
        level = hef_cpu_detect();
        __atomic_store_n(&cached, level, __ATOMIC_RELAXED);
    }
    return level;
}

static int hef_cpu_level(void) {
    static int cached = -1;
    int level = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (level < 0) {
        level = hef_min_level(hef_requested_level(), hef_cpu_hardware_level());
        __atomic_store_n(&cached, level, __ATOMIC_RELAXED);
    }
    return level;
}

int hef_cpu_has_avx2(void) { return hef_cpu_hardware_level() >= HEF_CPU_AVX2; }
int hef_cpu_has_avx512(void) { return hef_cpu_hardware_level() >= HEF_CPU_AVX512; }
int hef_cpu_has_avx512ifma(void) { return hef_cpu_hardware_level() >= HEF_CPU_AVX512_IFMA; }
int hef_simd_level(void) { return hef_cpu_level(); }
const char *hef_simd_path(void) { return hef_path_names[hef_cpu_level()]; }

/// The IFMA path needs 4q < 2^52.
#define HEF_IFMA_MODULUS_LIMIT ((uint64_t)1 << 50)

static void hef_ntt_forward_vector(uint64_t *a, size_t logN, uint64_t q,
                                   const uint64_t *w, const uint64_t *ws, int level) {
#if HEF_HAVE_AVX512_NTT
    if (level >= HEF_CPU_AVX512 && logN >= 4) {
        hef_ntt_forward_avx512_impl(a, logN, q, w, ws,
                                    level >= HEF_CPU_AVX512_IFMA && q < HEF_IFMA_MODULUS_LIMIT);
        return;
    }
    if (level >= HEF_CPU_AVX2 && logN >= 3) {
        hef_ntt_forward_avx2_impl(a, logN, q, w, ws);
        return;
    }
#endif
    (void)level;
    hef_ntt_forward_scalar(a, logN, q, w, ws);
}

static void hef_ntt_inverse_vector(uint64_t *a, size_t logN, uint64_t q,
                                   const uint64_t *w, const uint64_t *ws,
                                   uint64_t inverseN, uint64_t inverseNShoup, int level) {
#if HEF_HAVE_AVX512_NTT
    if (level >= HEF_CPU_AVX512 && logN >= 4) {
        hef_ntt_inverse_avx512_impl(a, logN, q, w, ws, inverseN, inverseNShoup,
                                    level >= HEF_CPU_AVX512_IFMA && q < HEF_IFMA_MODULUS_LIMIT);
        return;
    }
    if (level >= HEF_CPU_AVX2 && logN >= 3) {
        hef_ntt_inverse_avx2_impl(a, logN, q, w, ws, inverseN, inverseNShoup);
        return;
    }
#endif
    (void)level;
    hef_ntt_inverse_scalar(a, logN, q, w, ws, inverseN, inverseNShoup);
}

void hef_ntt_forward(uint64_t *data, size_t logN, uint64_t q,
                     const uint64_t *rootPowers, const uint64_t *rootPowersShoup) {
    hef_ntt_forward_vector(data, logN, q, rootPowers, rootPowersShoup, hef_cpu_level());
}

void hef_ntt_inverse(uint64_t *data, size_t logN, uint64_t q,
                     const uint64_t *inverseRootPowers, const uint64_t *inverseRootPowersShoup,
                     uint64_t inverseN, uint64_t inverseNShoup) {
    hef_ntt_inverse_vector(data, logN, q, inverseRootPowers, inverseRootPowersShoup,
                           inverseN, inverseNShoup, hef_cpu_level());
}

// Explicit paths (for tests and benchmarks): the CPU's support decides, not the environment.

void hef_ntt_forward_avx2(uint64_t *data, size_t logN, uint64_t q,
                          const uint64_t *rootPowers, const uint64_t *rootPowersShoup) {
    hef_ntt_forward_vector(data, logN, q, rootPowers, rootPowersShoup,
                           hef_min_level(hef_cpu_hardware_level(), HEF_CPU_AVX2));
}

void hef_ntt_inverse_avx2(uint64_t *data, size_t logN, uint64_t q,
                          const uint64_t *inverseRootPowers, const uint64_t *inverseRootPowersShoup,
                          uint64_t inverseN, uint64_t inverseNShoup) {
    hef_ntt_inverse_vector(data, logN, q, inverseRootPowers, inverseRootPowersShoup,
                           inverseN, inverseNShoup, hef_min_level(hef_cpu_hardware_level(), HEF_CPU_AVX2));
}

void hef_ntt_forward_avx512(uint64_t *data, size_t logN, uint64_t q,
                            const uint64_t *rootPowers, const uint64_t *rootPowersShoup) {
    hef_ntt_forward_vector(data, logN, q, rootPowers, rootPowersShoup,
                           hef_min_level(hef_cpu_hardware_level(), HEF_CPU_AVX512));
}

void hef_ntt_inverse_avx512(uint64_t *data, size_t logN, uint64_t q,
                            const uint64_t *inverseRootPowers, const uint64_t *inverseRootPowersShoup,
                            uint64_t inverseN, uint64_t inverseNShoup) {
    hef_ntt_inverse_vector(data, logN, q, inverseRootPowers, inverseRootPowersShoup,
                           inverseN, inverseNShoup, hef_min_level(hef_cpu_hardware_level(), HEF_CPU_AVX512));
}

void hef_ntt_forward_avx512ifma(uint64_t *data, size_t logN, uint64_t q,
                                const uint64_t *rootPowers, const uint64_t *rootPowersShoup) {
    hef_ntt_forward_vector(data, logN, q, rootPowers, rootPowersShoup, hef_cpu_hardware_level());
}

void hef_ntt_inverse_avx512ifma(uint64_t *data, size_t logN, uint64_t q,
                                const uint64_t *inverseRootPowers, const uint64_t *inverseRootPowersShoup,
                                uint64_t inverseN, uint64_t inverseNShoup) {
    hef_ntt_inverse_vector(data, logN, q, inverseRootPowers, inverseRootPowersShoup,
                           inverseN, inverseNShoup, hef_cpu_hardware_level());
}

static void hef_mul_shoup_vector_level(uint64_t *out, const uint64_t *in, size_t count,
                                       uint64_t w, uint64_t ws, uint64_t q, int level) {
#if HEF_HAVE_AVX512_NTT
    if (level >= HEF_CPU_AVX512) {
        hef_mul_shoup_avx512_impl(out, in, count, w, ws, q,
                                  level >= HEF_CPU_AVX512_IFMA && q < HEF_IFMA_MODULUS_LIMIT);
        return;
    }
    if (level >= HEF_CPU_AVX2) {
        hef_mul_shoup_avx2_impl(out, in, count, w, ws, q);
        return;
    }
#endif
    (void)level;
    HEF_SCALAR_LOOP
    for (size_t i = 0; i < count; i++) out[i] = hef_mul_shoup(in[i], w, ws, q);
}

void hef_mul_shoup_vector(uint64_t *out, const uint64_t *in, size_t count,
                          uint64_t w, uint64_t ws, uint64_t q) {
    hef_mul_shoup_vector_level(out, in, count, w, ws, q, hef_cpu_level());
}

/// out[i] = (out[i] + w·in[i]) mod q.
static void hef_mul_shoup_add_vector_level(uint64_t *out, const uint64_t *in, size_t count,
                                           uint64_t w, uint64_t ws, uint64_t q, int level) {
#if HEF_HAVE_AVX512_NTT
    if (level >= HEF_CPU_AVX512) {
        hef_mul_shoup_add_avx512_impl(out, in, count, w, ws, q,
                                      level >= HEF_CPU_AVX512_IFMA && q < HEF_IFMA_MODULUS_LIMIT);
        return;
    }
    if (level >= HEF_CPU_AVX2) {
        hef_mul_shoup_add_avx2_impl(out, in, count, w, ws, q);
        return;
    }
#endif
    (void)level;
    // Branch-free corrections (clang otherwise emits branches that mispredict on random words).
    HEF_SCALAR_LOOP
    for (size_t i = 0; i < count; i++) {
        out[i] = hef_csub(hef_csub(hef_mul_shoup_lazy(in[i], w, ws, q), q) + out[i], q);
    }
}

void hef_mul_shoup_add_vector(uint64_t *out, const uint64_t *in, size_t count,
                              uint64_t w, uint64_t ws, uint64_t q) {
    hef_mul_shoup_add_vector_level(out, in, count, w, ws, q, hef_cpu_level());
}

int hef_path_level(int path) {
    if (path < HEF_CPU_SCALAR) path = HEF_CPU_SCALAR;
    return hef_min_level(path, hef_cpu_hardware_level());
}

void hef_mul_scalar_on_path(int path, uint64_t *result, const uint64_t *a, uint64_t scalar,
                            size_t count, uint64_t q) {
    hef_mul_shoup_vector_level(result, a, count, scalar, hef_shoup(scalar, q), q, hef_path_level(path));
}

void hef_mul_scalar_add_on_path(int path, uint64_t *result, const uint64_t *a, uint64_t scalar,
                                size_t count, uint64_t q) {
    hef_mul_shoup_add_vector_level(result, a, count, scalar, hef_shoup(scalar, q), q, hef_path_level(path));
}
