// AVX2 + FMA pointwise products a·b mod q for q < 2^50, in double precision (compiled per
// function, dispatched at run time from vector.c). The product of two words below 2^50 is
// split exactly into h + l with h = fl(a·b) and l = fma(a, b, −h) (van der Hoeven's
// floating-point modular arithmetic); a quotient estimate Q = floor(h·(1/q)) is within one of
// floor(a·b/q), so r = (h − Q·q) + l lies in [−q, 2q) and every step is exact (integers below
// 2^53). Two corrections give the fully reduced word, the same as the scalar Barrett kernel.
#include "cshims.h"
#include "modarith.h"
#include "ntt_internal.h"

#if HEF_HAVE_AVX512_NTT
#include <immintrin.h>

#define HEF_VINLINE static inline __attribute__((always_inline))
#define HEF_TARGETF __attribute__((target("avx2,fma")))

/// 2^52 as a double and its bit pattern: for x < 2^52, the double with bits 2^52-pattern | x
/// is exactly 2^52 + x, which converts words to doubles and back with one integer op each.
#define HEF_TWO52_BITS 0x4330000000000000LL

HEF_TARGETF HEF_VINLINE __m256d hef_v2to_double(__m256i x, __m256d two52) {
    return _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(x, _mm256_castpd_si256(two52))), two52);
}

/// x in [0, 2^52), integral.
HEF_TARGETF HEF_VINLINE __m256i hef_v2to_word(__m256d x, __m256d two52) {
    return _mm256_xor_si256(_mm256_castpd_si256(_mm256_add_pd(x, two52)), _mm256_castpd_si256(two52));
}

/// a·b mod q in [0, q) for a, b < q < 2^50 (see the top of the file).
HEF_TARGETF HEF_VINLINE __m256d hef_v2mulmod_fma(__m256d a, __m256d b, __m256d q, __m256d qinv, __m256d zero) {
    const __m256d h = _mm256_mul_pd(a, b);
    const __m256d l = _mm256_fmsub_pd(a, b, h);
    const __m256d Q = _mm256_floor_pd(_mm256_mul_pd(h, qinv));
    __m256d r = _mm256_add_pd(_mm256_fnmadd_pd(Q, q, h), l);
    r = _mm256_add_pd(r, _mm256_and_pd(_mm256_cmp_pd(r, zero, _CMP_LT_OQ), q));
    return _mm256_sub_pd(r, _mm256_and_pd(_mm256_cmp_pd(r, q, _CMP_GE_OQ), q));
}

HEF_TARGETF void hef_mul_fma_impl(uint64_t *result, const uint64_t *a, const uint64_t *b,
                                  size_t count, uint64_t q) {
    const __m256d two52 = _mm256_castsi256_pd(_mm256_set1_epi64x(HEF_TWO52_BITS));
    const __m256d vq = _mm256_set1_pd((double)q), qinv = _mm256_set1_pd(1.0 / (double)q);
    const __m256d zero = _mm256_setzero_pd();
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        const __m256d x = hef_v2to_double(_mm256_loadu_si256((const __m256i *)(const void *)(a + i)), two52);
        const __m256d y = hef_v2to_double(_mm256_loadu_si256((const __m256i *)(const void *)(b + i)), two52);
        _mm256_storeu_si256((__m256i *)(void *)(result + i), hef_v2to_word(hef_v2mulmod_fma(x, y, vq, qinv, zero), two52));
    }
    for (; i < count; i++) result[i] = (uint64_t)(((hef_u128)a[i] * b[i]) % q);
}

HEF_TARGETF void hef_mul_add_fma_impl(uint64_t *result, const uint64_t *a, const uint64_t *b,
                                      size_t count, uint64_t q) {
    const __m256d two52 = _mm256_castsi256_pd(_mm256_set1_epi64x(HEF_TWO52_BITS));
    const __m256d vq = _mm256_set1_pd((double)q), qinv = _mm256_set1_pd(1.0 / (double)q);
    const __m256d zero = _mm256_setzero_pd();
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        const __m256d x = hef_v2to_double(_mm256_loadu_si256((const __m256i *)(const void *)(a + i)), two52);
        const __m256d y = hef_v2to_double(_mm256_loadu_si256((const __m256i *)(const void *)(b + i)), two52);
        const __m256d z = hef_v2to_double(_mm256_loadu_si256((const __m256i *)(const void *)(result + i)), two52);
        __m256d r = _mm256_add_pd(hef_v2mulmod_fma(x, y, vq, qinv, zero), z); // < 2q, exact
        r = _mm256_sub_pd(r, _mm256_and_pd(_mm256_cmp_pd(r, vq, _CMP_GE_OQ), vq));
        _mm256_storeu_si256((__m256i *)(void *)(result + i), hef_v2to_word(r, two52));
    }
    for (; i < count; i++) result[i] = (uint64_t)(((hef_u128)a[i] * b[i] + result[i]) % q);
}
#endif
