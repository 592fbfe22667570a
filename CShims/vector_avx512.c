// AVX-512 vector kernels (compiled per function, dispatched at run time from vector.c).
#include "cshims.h"
#include "modarith.h"
#include "ntt_internal.h"

#if HEF_HAVE_AVX512_NTT
#include <immintrin.h>

/// Σ_t a[t][c]·b[t][c] mod q with 52-bit IFMA products: every operand is below q < 2^52, so
/// each product splits exactly into its low and high 52-bit halves, accumulated in two 64-bit
/// lanes (room for 4096 terms); one 128-bit reduction per coefficient at the end.
/// count must be a multiple of 8.
__attribute__((target("avx512f,avx512ifma")))
void hef_dot_product_ifma_impl(uint64_t *result, const uint64_t *const *a, const uint64_t *const *b,
                               size_t terms, size_t count, uint64_t q, uint64_t mh) {
    const hef_reducer128 red = hef_make_reducer128(q, mh);
    enum { BLOCK = 256, VECTORS = BLOCK / 8 };
    __m512i lo[VECTORS], hi[VECTORS];
    uint64_t loWords[BLOCK], hiWords[BLOCK];
    for (size_t c0 = 0; c0 < count; c0 += BLOCK) {
        const size_t len = count - c0 < BLOCK ? count - c0 : BLOCK;
        const size_t vectors = len / 8;
        for (size_t v = 0; v < vectors; v++) {
            lo[v] = _mm512_setzero_si512();
            hi[v] = _mm512_setzero_si512();
        }
        for (size_t t = 0; t < terms; t++) {
            const uint64_t *x = a[t] + c0, *y = b[t] + c0;
            for (size_t v = 0; v < vectors; v++) {
                const __m512i X = _mm512_loadu_si512((const void *)(x + 8 * v));
                const __m512i Y = _mm512_loadu_si512((const void *)(y + 8 * v));
                lo[v] = _mm512_madd52lo_epu64(lo[v], X, Y);
                hi[v] = _mm512_madd52hi_epu64(hi[v], X, Y);
            }
        }
        for (size_t v = 0; v < vectors; v++) {
            _mm512_storeu_si512((void *)(loWords + 8 * v), lo[v]);
            _mm512_storeu_si512((void *)(hiWords + 8 * v), hi[v]);
        }
        uint64_t *out = result + c0;
        for (size_t c = 0; c < len; c++) {
            const hef_u128 z = ((hef_u128)hiWords[c] << 52) + loWords[c];
            out[c] = hef_reduce128(z, red);
        }
    }
}
/// a·b mod q in [0, q) for a, b < q < 2^50 in double precision, as in vector_avx2.c (h + l = a·b
/// exactly, Q = floor(h·(1/q)) within one of floor(a·b/q), r = (h − Q·q) + l in [−q, 2q)
/// exactly, two corrections), on 8 lanes with AVX-512's exact word/double conversions.
__attribute__((target("avx512f,avx512dq"))) static inline __attribute__((always_inline))
__m512d hef_v8mulmod_fma(__m512d a, __m512d b, __m512d q, __m512d qinv) {
    const __m512d h = _mm512_mul_pd(a, b);
    const __m512d l = _mm512_fmsub_pd(a, b, h);
    const __m512d Q = _mm512_roundscale_pd(_mm512_mul_pd(h, qinv), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    __m512d r = _mm512_add_pd(_mm512_fnmadd_pd(Q, q, h), l);
    r = _mm512_mask_add_pd(r, _mm512_cmp_pd_mask(r, _mm512_setzero_pd(), _CMP_LT_OQ), r, q);
    return _mm512_mask_sub_pd(r, _mm512_cmp_pd_mask(r, q, _CMP_GE_OQ), r, q);
}

__attribute__((target("avx512f,avx512dq")))
void hef_mul_fma512_impl(uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count, uint64_t q) {
    const __m512d vq = _mm512_set1_pd((double)q), qinv = _mm512_set1_pd(1.0 / (double)q);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m512d x = _mm512_cvtepu64_pd(_mm512_loadu_si512((const void *)(a + i)));
        const __m512d y = _mm512_cvtepu64_pd(_mm512_loadu_si512((const void *)(b + i)));
        _mm512_storeu_si512((void *)(result + i), _mm512_cvtpd_epu64(hef_v8mulmod_fma(x, y, vq, qinv)));
    }
    for (; i < count; i++) result[i] = (uint64_t)(((hef_u128)a[i] * b[i]) % q);
}

__attribute__((target("avx512f,avx512dq")))
void hef_mul_add_fma512_impl(uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count, uint64_t q) {
    const __m512d vq = _mm512_set1_pd((double)q), qinv = _mm512_set1_pd(1.0 / (double)q);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m512d x = _mm512_cvtepu64_pd(_mm512_loadu_si512((const void *)(a + i)));
        const __m512d y = _mm512_cvtepu64_pd(_mm512_loadu_si512((const void *)(b + i)));
        const __m512d z = _mm512_cvtepu64_pd(_mm512_loadu_si512((const void *)(result + i)));
        __m512d r = _mm512_add_pd(hef_v8mulmod_fma(x, y, vq, qinv), z); // < 2q, exact
        r = _mm512_mask_sub_pd(r, _mm512_cmp_pd_mask(r, vq, _CMP_GE_OQ), r, vq);
        _mm512_storeu_si512((void *)(result + i), _mm512_cvtpd_epu64(r));
    }
    for (; i < count; i++) result[i] = (uint64_t)(((hef_u128)a[i] * b[i] + result[i]) % q);
}
#endif
