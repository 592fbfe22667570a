// AVX2 negacyclic NTT and Shoup vector products (4 lanes of 64 bits), compiled per function
// for AVX2 so that the package needs no -march flags; ntt.c dispatches here at run time on
// CPUs with AVX2 but without AVX-512 (or when HEF_SIMD=avx2 asks for it). AVX2 has neither
// 64-bit products nor unsigned 64-bit compares: both are built from 32×32-bit products and
// sign-flipped signed compares. Same loops, twiddles and lazy ranges as ntt.c, so the words
// are identical to the scalar kernel's.
#include "cshims.h"
#include "modarith.h"
#include "ntt_internal.h"

#if HEF_HAVE_AVX512_NTT
#include <immintrin.h>

#define HEF_VINLINE static inline __attribute__((always_inline))
#define HEF_TARGET2 __attribute__((target("avx2")))

/// x − m if x >= m, else x, lanewise for any 64-bit x, m (unsigned compare through the sign
/// flip: m > x as signed words after both are XORed with 2^63).
HEF_TARGET2 HEF_VINLINE __m256i hef_v2csub(__m256i x, __m256i m) {
    const __m256i sign = _mm256_set1_epi64x((long long)0x8000000000000000ULL);
    const __m256i less = _mm256_cmpgt_epi64(_mm256_xor_si256(m, sign), _mm256_xor_si256(x, sign));
    return _mm256_sub_epi64(x, _mm256_andnot_si256(less, m));
}

/// floor(a·b / 2^64), lanewise, exactly, from four 32×32-bit products.
HEF_TARGET2 HEF_VINLINE __m256i hef_v2mulhi(__m256i a, __m256i b) {
    const __m256i ah = _mm256_srli_epi64(a, 32), bh = _mm256_srli_epi64(b, 32);
    const __m256i ll = _mm256_mul_epu32(a, b);
    const __m256i lh = _mm256_mul_epu32(a, bh);
    const __m256i hl = _mm256_mul_epu32(ah, b);
    const __m256i hh = _mm256_mul_epu32(ah, bh);
    const __m256i lo32 = _mm256_set1_epi64x(0xFFFFFFFFLL);
    const __m256i mid = _mm256_add_epi64(lh, _mm256_srli_epi64(ll, 32));    // < 2^64
    const __m256i mid2 = _mm256_add_epi64(hl, _mm256_and_si256(mid, lo32)); // < 2^64
    return _mm256_add_epi64(_mm256_add_epi64(hh, _mm256_srli_epi64(mid, 32)), _mm256_srli_epi64(mid2, 32));
}

/// w·y mod q in [0, 2q) for any 64-bit y (Shoup, lazy): Q = floor(wc·y / 2^64) and
/// r = w·y − Q·q mod 2^64. Only the low words of the two products are needed, so each takes
/// three 32-bit products: lo·lo + ((lo·hi + hi·lo) << 32); the two cross sums are combined
/// before the one shift.
HEF_TARGET2 HEF_VINLINE __m256i hef_v2mul_shoup_lazy(__m256i y, __m256i w, __m256i wc, __m256i q) {
    const __m256i Q = hef_v2mulhi(wc, y);
    const __m256i yh = _mm256_srli_epi64(y, 32), Qh = _mm256_srli_epi64(Q, 32);
    const __m256i wh = _mm256_srli_epi64(w, 32), qh = _mm256_srli_epi64(q, 32);
    const __m256i lo = _mm256_sub_epi64(_mm256_mul_epu32(w, y), _mm256_mul_epu32(Q, q));
    const __m256i cross = _mm256_sub_epi64(
        _mm256_add_epi64(_mm256_mul_epu32(w, yh), _mm256_mul_epu32(wh, y)),
        _mm256_add_epi64(_mm256_mul_epu32(Q, qh), _mm256_mul_epu32(Qh, q)));
    return _mm256_add_epi64(lo, _mm256_slli_epi64(cross, 32));
}

#define HEF_LD(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define HEF_ST(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), (v))

/// n = 2^logN >= 8.
HEF_TARGET2 static void hef_ntt_forward_avx2_kernel(uint64_t *restrict a, size_t logN, uint64_t q,
                                                   const uint64_t *restrict w, const uint64_t *restrict ws) {
    const size_t n = (size_t)1 << logN;
    const __m256i vq = _mm256_set1_epi64x((long long)q);
    const __m256i vq2 = _mm256_set1_epi64x((long long)(2 * q));
    size_t t = n;
    size_t m = 1;
    // Stages with t >= 4: whole vectors.
    for (; m < n / 4; m <<= 1) {
        t >>= 1;
        for (size_t i = 0; i < m; i++) {
            const __m256i W = _mm256_set1_epi64x((long long)w[m + i]);
            const __m256i Wc = _mm256_set1_epi64x((long long)ws[m + i]);
            uint64_t *restrict X = a + 2 * i * t;
            uint64_t *restrict Y = X + t;
            for (size_t j = 0; j < t; j += 4) {
                const __m256i x = hef_v2csub(HEF_LD(X + j), vq2);
                const __m256i u = hef_v2mul_shoup_lazy(HEF_LD(Y + j), W, Wc, vq);
                HEF_ST(X + j, _mm256_add_epi64(x, u));
                HEF_ST(Y + j, _mm256_add_epi64(_mm256_sub_epi64(x, u), vq2));
            }
        }
    }
    // Stages t = 2 and t = 1 fused on blocks of 8 words (m = n/4, then n/2).
    const size_t m2 = n / 4, m1 = n / 2;
    for (size_t b = 0; b < n / 8; b++) {
        uint64_t *restrict A = a + 8 * b;
        const __m256i v0 = HEF_LD(A), v1 = HEF_LD(A + 4);
        // t = 2: x = words 0, 1, 4, 5; y = words 2, 3, 6, 7; twiddles of groups 2b, 2b+1.
        __m256i x = _mm256_permute2x128_si256(v0, v1, 0x20);
        __m256i y = _mm256_permute2x128_si256(v0, v1, 0x31);
        __m256i W = _mm256_permute4x64_epi64(_mm256_castsi128_si256(_mm_loadu_si128((const void *)(w + m2 + 2 * b))), 0x50);
        __m256i Wc = _mm256_permute4x64_epi64(_mm256_castsi128_si256(_mm_loadu_si128((const void *)(ws + m2 + 2 * b))), 0x50);
        x = hef_v2csub(x, vq2);
        __m256i u = hef_v2mul_shoup_lazy(y, W, Wc, vq);
        __m256i s = _mm256_add_epi64(x, u);                           // words 0, 1, 4, 5
        __m256i d = _mm256_add_epi64(_mm256_sub_epi64(x, u), vq2);    // words 2, 3, 6, 7
        // t = 1: x = even words 0, 2, 4, 6; y = odd words; twiddles of groups 4b..4b+3.
        x = _mm256_unpacklo_epi64(s, d);
        y = _mm256_unpackhi_epi64(s, d);
        W = HEF_LD(w + m1 + 4 * b);
        Wc = HEF_LD(ws + m1 + 4 * b);
        x = hef_v2csub(x, vq2);
        u = hef_v2mul_shoup_lazy(y, W, Wc, vq);
        s = hef_v2csub(hef_v2csub(_mm256_add_epi64(x, u), vq2), vq);
        d = hef_v2csub(hef_v2csub(_mm256_add_epi64(_mm256_sub_epi64(x, u), vq2), vq2), vq);
        const __m256i lo = _mm256_unpacklo_epi64(s, d);               // words 0, 1, 4, 5
        const __m256i hi = _mm256_unpackhi_epi64(s, d);               // words 2, 3, 6, 7
        HEF_ST(A, _mm256_permute2x128_si256(lo, hi, 0x20));
        HEF_ST(A + 4, _mm256_permute2x128_si256(lo, hi, 0x31));
    }
}

/// n = 2^logN >= 8.
HEF_TARGET2 static void hef_ntt_inverse_avx2_kernel(uint64_t *restrict a, size_t logN, uint64_t q,
                                                   const uint64_t *restrict w, const uint64_t *restrict ws,
                                                   uint64_t inverseN, uint64_t inverseNShoup) {
    const size_t n = (size_t)1 << logN;
    const __m256i vq = _mm256_set1_epi64x((long long)q);
    const __m256i vq2 = _mm256_set1_epi64x((long long)(2 * q));
    // Stages t = 1 and t = 2 fused on blocks of 8 words (m = n/2, then n/4).
    const size_t m1 = n / 2, m2 = n / 4;
    for (size_t b = 0; b < n / 8; b++) {
        uint64_t *restrict A = a + 8 * b;
        const __m256i v0 = HEF_LD(A), v1 = HEF_LD(A + 4);
        // t = 1: x = words 0, 4, 2, 6; y = words 1, 5, 3, 7 (pairs 0, 2, 1, 3 of the block).
        __m256i x = _mm256_unpacklo_epi64(v0, v1);
        __m256i y = _mm256_unpackhi_epi64(v0, v1);
        __m256i W = _mm256_permute4x64_epi64(HEF_LD(w + m1 + 4 * b), 0xD8);
        __m256i Wc = _mm256_permute4x64_epi64(HEF_LD(ws + m1 + 4 * b), 0xD8);
        __m256i s = hef_v2csub(_mm256_add_epi64(x, y), vq2);
        __m256i d = hef_v2mul_shoup_lazy(_mm256_add_epi64(_mm256_sub_epi64(x, y), vq2), W, Wc, vq);
        // Back to natural order (words 0-3, 4-7), then t = 2: x = words 0, 1, 4, 5; y = 2, 3, 6, 7.
        const __m256i lo = _mm256_unpacklo_epi64(s, d), hi = _mm256_unpackhi_epi64(s, d);
        x = _mm256_permute2x128_si256(lo, hi, 0x20);
        y = _mm256_permute2x128_si256(lo, hi, 0x31);
        W = _mm256_permute4x64_epi64(_mm256_castsi128_si256(_mm_loadu_si128((const void *)(w + m2 + 2 * b))), 0x50);
        Wc = _mm256_permute4x64_epi64(_mm256_castsi128_si256(_mm_loadu_si128((const void *)(ws + m2 + 2 * b))), 0x50);
        s = hef_v2csub(_mm256_add_epi64(x, y), vq2);
        d = hef_v2mul_shoup_lazy(_mm256_add_epi64(_mm256_sub_epi64(x, y), vq2), W, Wc, vq);
        HEF_ST(A, _mm256_permute2x128_si256(s, d, 0x20));
        HEF_ST(A + 4, _mm256_permute2x128_si256(s, d, 0x31));
    }
    size_t t = 4;
    for (size_t m = n / 8; m > 1; m >>= 1) {
        for (size_t i = 0; i < m; i++) {
            const __m256i W = _mm256_set1_epi64x((long long)w[m + i]);
            const __m256i Wc = _mm256_set1_epi64x((long long)ws[m + i]);
            uint64_t *restrict X = a + 2 * i * t;
            uint64_t *restrict Y = X + t;
            for (size_t j = 0; j < t; j += 4) {
                const __m256i x = HEF_LD(X + j), y = HEF_LD(Y + j);
                HEF_ST(X + j, hef_v2csub(_mm256_add_epi64(x, y), vq2));
                HEF_ST(Y + j, hef_v2mul_shoup_lazy(_mm256_add_epi64(_mm256_sub_epi64(x, y), vq2), W, Wc, vq));
            }
        }
        t <<= 1;
    }
    // Last stage (m = 1, t = n/2) with n^-1 folded in, fully reduced.
    const uint64_t w1 = (uint64_t)(((hef_u128)w[1] * inverseN) % q);
    const __m256i W = _mm256_set1_epi64x((long long)w1);
    const __m256i Wc = _mm256_set1_epi64x((long long)hef_shoup(w1, q));
    const __m256i N = _mm256_set1_epi64x((long long)inverseN);
    const __m256i Nc = _mm256_set1_epi64x((long long)inverseNShoup);
    uint64_t *restrict X = a;
    uint64_t *restrict Y = a + t;
    for (size_t j = 0; j < t; j += 4) {
        const __m256i x = HEF_LD(X + j), y = HEF_LD(Y + j);
        const __m256i s = hef_v2mul_shoup_lazy(_mm256_add_epi64(x, y), N, Nc, vq);
        const __m256i d = hef_v2mul_shoup_lazy(_mm256_add_epi64(_mm256_sub_epi64(x, y), vq2), W, Wc, vq);
        HEF_ST(X + j, hef_v2csub(s, vq));
        HEF_ST(Y + j, hef_v2csub(d, vq));
    }
}

void hef_ntt_forward_avx2_impl(uint64_t *a, size_t logN, uint64_t q,
                               const uint64_t *w, const uint64_t *ws) {
    hef_ntt_forward_avx2_kernel(a, logN, q, w, ws);
}

void hef_ntt_inverse_avx2_impl(uint64_t *a, size_t logN, uint64_t q,
                               const uint64_t *w, const uint64_t *ws,
                               uint64_t inverseN, uint64_t inverseNShoup) {
    hef_ntt_inverse_avx2_kernel(a, logN, q, w, ws, inverseN, inverseNShoup);
}

HEF_TARGET2 void hef_mul_shoup_avx2_impl(uint64_t *out, const uint64_t *in, size_t count,
                                         uint64_t w, uint64_t ws, uint64_t q) {
    const __m256i vq = _mm256_set1_epi64x((long long)q);
    const __m256i W = _mm256_set1_epi64x((long long)w), Wc = _mm256_set1_epi64x((long long)ws);
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        HEF_ST(out + i, hef_v2csub(hef_v2mul_shoup_lazy(HEF_LD(in + i), W, Wc, vq), vq));
    }
    for (; i < count; i++) out[i] = hef_mul_shoup(in[i], w, ws, q);
}

HEF_TARGET2 void hef_mul_shoup_add_avx2_impl(uint64_t *out, const uint64_t *in, size_t count,
                                             uint64_t w, uint64_t ws, uint64_t q) {
    const __m256i vq = _mm256_set1_epi64x((long long)q);
    const __m256i W = _mm256_set1_epi64x((long long)w), Wc = _mm256_set1_epi64x((long long)ws);
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        const __m256i p = hef_v2csub(hef_v2mul_shoup_lazy(HEF_LD(in + i), W, Wc, vq), vq);
        HEF_ST(out + i, hef_v2csub(_mm256_add_epi64(p, HEF_LD(out + i)), vq));
    }
    for (; i < count; i++) {
        const uint64_t s = hef_mul_shoup(in[i], w, ws, q) + out[i];
        out[i] = s >= q ? s - q : s;
    }
}
#endif
