// AVX-512 negacyclic NTT (8 lanes of 64 bits), compiled per function for AVX-512 so that the
// package needs no -march flags; ntt.c dispatches here at run time. Two variants of the same
// code: 64-bit Shoup products (q < 2^62; the high product emulated from 32-bit pieces, as
// Intel HEXL does) and 52-bit IFMA products for q < 2^50, whose Shoup constants
// floor(w·2^52/q) = floor(ws / 2^12) come from the existing 64-bit ones.
#include "cshims.h"
#include "modarith.h"
#include "ntt_internal.h"

#if HEF_HAVE_AVX512_NTT
#include <immintrin.h>

#define HEF_VINLINE static inline __attribute__((always_inline))
#define HEF_TARGET_F __attribute__((target("avx512f,avx512dq,avx512vl")))

/// x − m if x >= m, else x (x < 2^64, lanewise).
HEF_TARGET_F HEF_VINLINE __m512i hef_vcsub(__m512i x, __m512i m) {
    return _mm512_min_epu64(x, _mm512_sub_epi64(x, m));
}

/// floor(a·b / 2^64), lanewise, exactly, from four 32×32-bit products.
HEF_TARGET_F HEF_VINLINE __m512i hef_vmulhi64(__m512i a, __m512i b) {
    const __m512i ah = _mm512_srli_epi64(a, 32), bh = _mm512_srli_epi64(b, 32);
    const __m512i ll = _mm512_mul_epu32(a, b);
    const __m512i lh = _mm512_mul_epu32(a, bh);
    const __m512i hl = _mm512_mul_epu32(ah, b);
    const __m512i hh = _mm512_mul_epu32(ah, bh);
    const __m512i lo32 = _mm512_set1_epi64(0xFFFFFFFFLL);
    const __m512i mid = _mm512_add_epi64(lh, _mm512_srli_epi64(ll, 32));    // < 2^64
    const __m512i mid2 = _mm512_add_epi64(hl, _mm512_and_si512(mid, lo32)); // < 2^64
    return _mm512_add_epi64(_mm512_add_epi64(hh, _mm512_srli_epi64(mid, 32)), _mm512_srli_epi64(mid2, 32));
}

#define HEF_TARGET HEF_TARGET_F
#define HEF_NAME(x) x##_64
#define HEF_PATH_IFMA 0
#include "ntt_avx512_impl.h"
#undef HEF_TARGET
#undef HEF_NAME
#undef HEF_PATH_IFMA

#define HEF_TARGET __attribute__((target("avx512f,avx512dq,avx512vl,avx512ifma")))
#define HEF_NAME(x) x##_ifma
#define HEF_PATH_IFMA 1
#include "ntt_avx512_impl.h"
#undef HEF_TARGET
#undef HEF_NAME
#undef HEF_PATH_IFMA

HEF_TARGET_F static void hef_mul_shoup_avx512_64(uint64_t *out, const uint64_t *in, size_t count,
                                                  uint64_t w, uint64_t ws, uint64_t q) {
    const __m512i vq = _mm512_set1_epi64((long long)q);
    const __m512i W = _mm512_set1_epi64((long long)w), Wc = _mm512_set1_epi64((long long)ws);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m512i x = _mm512_loadu_si512((const void *)(in + i));
        _mm512_storeu_si512((void *)(out + i), hef_vcsub(hef_vmul_shoup_lazy_64(x, W, Wc, vq), vq));
    }
    for (; i < count; i++) out[i] = hef_mul_shoup(in[i], w, ws, q);
}

__attribute__((target("avx512f,avx512dq,avx512vl,avx512ifma")))
static void hef_mul_shoup_avx512_ifma(uint64_t *out, const uint64_t *in, size_t count,
                                      uint64_t w, uint64_t ws, uint64_t q) {
    const __m512i vq = _mm512_set1_epi64((long long)q);
    const __m512i W = _mm512_set1_epi64((long long)w), Wc = _mm512_set1_epi64((long long)(ws >> 12));
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m512i x = _mm512_loadu_si512((const void *)(in + i));
        _mm512_storeu_si512((void *)(out + i), hef_vcsub(hef_vmul_shoup_lazy_ifma(x, W, Wc, vq), vq));
    }
    for (; i < count; i++) out[i] = hef_mul_shoup(in[i], w, ws, q);
}

/// out[i] = (out[i] + w·in[i]) mod q, both paths in one body.
#define HEF_MUL_SHOUP_ADD_BODY(MUL, WC)                                                       \
    const __m512i vq = _mm512_set1_epi64((long long)q);                                       \
    const __m512i W = _mm512_set1_epi64((long long)w), Wc = _mm512_set1_epi64((long long)(WC)); \
    size_t i = 0;                                                                             \
    for (; i + 8 <= count; i += 8) {                                                          \
        const __m512i x = _mm512_loadu_si512((const void *)(in + i));                         \
        const __m512i p = hef_vcsub(MUL(x, W, Wc, vq), vq);                                   \
        const __m512i r = _mm512_loadu_si512((const void *)(out + i));                        \
        _mm512_storeu_si512((void *)(out + i), hef_vcsub(_mm512_add_epi64(p, r), vq));        \
    }                                                                                         \
    for (; i < count; i++) out[i] = hef_csub(hef_csub(hef_mul_shoup_lazy(in[i], w, ws, q), q) + out[i], q);

HEF_TARGET_F static void hef_mul_shoup_add_avx512_64(uint64_t *out, const uint64_t *in, size_t count,
                                                      uint64_t w, uint64_t ws, uint64_t q) {
    HEF_MUL_SHOUP_ADD_BODY(hef_vmul_shoup_lazy_64, ws)
}

__attribute__((target("avx512f,avx512dq,avx512vl,avx512ifma")))
static void hef_mul_shoup_add_avx512_ifma(uint64_t *out, const uint64_t *in, size_t count,
                                          uint64_t w, uint64_t ws, uint64_t q) {
    HEF_MUL_SHOUP_ADD_BODY(hef_vmul_shoup_lazy_ifma, ws >> 12)
}
#undef HEF_MUL_SHOUP_ADD_BODY

void hef_mul_shoup_add_avx512_impl(uint64_t *out, const uint64_t *in, size_t count,
                                   uint64_t w, uint64_t ws, uint64_t q, int useIFMA) {
    if (useIFMA) hef_mul_shoup_add_avx512_ifma(out, in, count, w, ws, q);
    else hef_mul_shoup_add_avx512_64(out, in, count, w, ws, q);
}

void hef_mul_shoup_avx512_impl(uint64_t *out, const uint64_t *in, size_t count,
                               uint64_t w, uint64_t ws, uint64_t q, int useIFMA) {
    if (useIFMA) hef_mul_shoup_avx512_ifma(out, in, count, w, ws, q);
    else hef_mul_shoup_avx512_64(out, in, count, w, ws, q);
}

void hef_ntt_forward_avx512_impl(uint64_t *a, size_t logN, uint64_t q,
                                 const uint64_t *w, const uint64_t *ws, int useIFMA) {
    if (useIFMA) hef_ntt_forward_avx512_ifma(a, logN, q, w, ws);
    else hef_ntt_forward_avx512_64(a, logN, q, w, ws);
}

void hef_ntt_inverse_avx512_impl(uint64_t *a, size_t logN, uint64_t q,
                                 const uint64_t *w, const uint64_t *ws,
                                 uint64_t inverseN, uint64_t inverseNShoup, int useIFMA) {
    if (useIFMA) hef_ntt_inverse_avx512_ifma(a, logN, q, w, ws, inverseN, inverseNShoup);
    else hef_ntt_inverse_avx512_64(a, logN, q, w, ws, inverseN, inverseNShoup);
}
#endif
