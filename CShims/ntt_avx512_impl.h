// Body of the AVX-512 negacyclic NTT, included twice by ntt_avx512.c: once with 64-bit Shoup
// products (HEF_PATH_IFMA 0) and once with 52-bit IFMA products (HEF_PATH_IFMA 1, q < 2^50).
// Expects HEF_TARGET, HEF_NAME(x), HEF_PATH_IFMA, and the helpers of ntt_avx512.c.
// Same loops, twiddles and lazy ranges as ntt.c; outputs identical word for word.

/// w·y mod q in [0, 2q); wc is the path's Shoup constant of w (see hef_vconst).
HEF_TARGET HEF_VINLINE __m512i HEF_NAME(hef_vmul_shoup_lazy)(__m512i y, __m512i w, __m512i wc, __m512i q) {
#if HEF_PATH_IFMA
    // q < 2^50, y < 2^52: Q = floor(y·wc / 2^52) and r = w·y − Q·q ∈ [0, 2q) < 2^52, so the
    // low 52 bits of the two products determine r.
    const __m512i zero = _mm512_setzero_si512();
    const __m512i Q = _mm512_madd52hi_epu64(zero, wc, y);
    const __m512i wy = _mm512_madd52lo_epu64(zero, w, y);
    const __m512i qQ = _mm512_madd52lo_epu64(zero, Q, q);
    return _mm512_and_si512(_mm512_sub_epi64(wy, qQ), _mm512_set1_epi64((1LL << 52) - 1));
#else
    const __m512i Q = hef_vmulhi64(wc, y);
    return _mm512_sub_epi64(_mm512_mullo_epi64(w, y), _mm512_mullo_epi64(Q, q));
#endif
}

#if HEF_PATH_IFMA
#define HEF_VCONST(v) _mm512_srli_epi64((v), 12)
#define HEF_SCONST(s) ((s) >> 12)
#else
#define HEF_VCONST(v) (v)
#define HEF_SCONST(s) (s)
#endif

HEF_TARGET void HEF_NAME(hef_ntt_forward_avx512)(uint64_t *restrict a, size_t logN, uint64_t q,
                                                 const uint64_t *restrict w, const uint64_t *restrict ws) {
    const size_t n = (size_t)1 << logN; // n >= 16
    const __m512i vq = _mm512_set1_epi64((long long)q);
    const __m512i vq2 = _mm512_set1_epi64((long long)(2 * q));
    size_t t = n;
    size_t m = 1;
    // Stages with t >= 8: whole vectors.
    for (; m < n / 8; m <<= 1) {
        t >>= 1;
        for (size_t i = 0; i < m; i++) {
            const __m512i W = _mm512_set1_epi64((long long)w[m + i]);
            const __m512i Wc = _mm512_set1_epi64((long long)HEF_SCONST(ws[m + i]));
            uint64_t *restrict X = a + 2 * i * t;
            uint64_t *restrict Y = X + t;
            for (size_t j = 0; j < t; j += 8) {
                __m512i x = _mm512_loadu_si512((const void *)(X + j));
                __m512i y = _mm512_loadu_si512((const void *)(Y + j));
                x = hef_vcsub(x, vq2);
                const __m512i u = HEF_NAME(hef_vmul_shoup_lazy)(y, W, Wc, vq);
                _mm512_storeu_si512((void *)(X + j), _mm512_add_epi64(x, u));
                _mm512_storeu_si512((void *)(Y + j), _mm512_add_epi64(_mm512_sub_epi64(x, u), vq2));
            }
        }
    }
    // Stages t = 4, 2, 1 fused on blocks of 16 words, the data permuted between stages in
    // registers. Here m = n/8.
    const __m512i ix4a = _mm512_setr_epi64(0, 1, 2, 3, 8, 9, 10, 11);
    const __m512i ix4b = _mm512_setr_epi64(4, 5, 6, 7, 12, 13, 14, 15);
    const __m512i ix2a = _mm512_setr_epi64(0, 1, 8, 9, 4, 5, 12, 13);
    const __m512i ix2b = _mm512_setr_epi64(2, 3, 10, 11, 6, 7, 14, 15);
    const __m512i ix1a = _mm512_setr_epi64(0, 8, 2, 10, 4, 12, 6, 14);
    const __m512i ix1b = _mm512_setr_epi64(1, 9, 3, 11, 5, 13, 7, 15);
    const __m512i ixoa = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11);
    const __m512i ixob = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
    const __m512i dup4 = _mm512_setr_epi64(0, 0, 0, 0, 1, 1, 1, 1);
    const __m512i dup2 = _mm512_setr_epi64(0, 0, 1, 1, 2, 2, 3, 3);
    const size_t m4 = n / 8, m2 = n / 4, m1 = n / 2;
    for (size_t b = 0; b < n / 16; b++) {
        uint64_t *restrict A = a + 16 * b;
        const __m512i v0 = _mm512_loadu_si512((const void *)A);
        const __m512i v1 = _mm512_loadu_si512((const void *)(A + 8));
        // t = 4: x = words 0-3, 8-11; y = words 4-7, 12-15; twiddles of groups 2b, 2b+1.
        __m512i x = _mm512_permutex2var_epi64(v0, ix4a, v1);
        __m512i y = _mm512_permutex2var_epi64(v0, ix4b, v1);
        __m512i W = _mm512_permutexvar_epi64(dup4, _mm512_castsi128_si512(_mm_loadu_si128((const void *)(w + m4 + 2 * b))));
        __m512i Wc = _mm512_permutexvar_epi64(dup4, _mm512_castsi128_si512(_mm_loadu_si128((const void *)(ws + m4 + 2 * b))));
        x = hef_vcsub(x, vq2);
        __m512i u = HEF_NAME(hef_vmul_shoup_lazy)(y, W, HEF_VCONST(Wc), vq);
        __m512i s = _mm512_add_epi64(x, u);
        __m512i d = _mm512_add_epi64(_mm512_sub_epi64(x, u), vq2);
        // t = 2: x = words 0,1,4,5,8,9,12,13; twiddles of groups 4b..4b+3.
        x = _mm512_permutex2var_epi64(s, ix2a, d);
        y = _mm512_permutex2var_epi64(s, ix2b, d);
        W = _mm512_permutexvar_epi64(dup2, _mm512_castsi256_si512(_mm256_loadu_si256((const void *)(w + m2 + 4 * b))));
        Wc = _mm512_permutexvar_epi64(dup2, _mm512_castsi256_si512(_mm256_loadu_si256((const void *)(ws + m2 + 4 * b))));
        x = hef_vcsub(x, vq2);
        u = HEF_NAME(hef_vmul_shoup_lazy)(y, W, HEF_VCONST(Wc), vq);
        s = _mm512_add_epi64(x, u);
        d = _mm512_add_epi64(_mm512_sub_epi64(x, u), vq2);
        // t = 1: x = even words, y = odd words; twiddles of groups 8b..8b+7.
        x = _mm512_permutex2var_epi64(s, ix1a, d);
        y = _mm512_permutex2var_epi64(s, ix1b, d);
        W = _mm512_loadu_si512((const void *)(w + m1 + 8 * b));
        Wc = _mm512_loadu_si512((const void *)(ws + m1 + 8 * b));
        x = hef_vcsub(x, vq2);
        u = HEF_NAME(hef_vmul_shoup_lazy)(y, W, HEF_VCONST(Wc), vq);
        s = hef_vcsub(hef_vcsub(_mm512_add_epi64(x, u), vq2), vq);
        d = hef_vcsub(hef_vcsub(_mm512_add_epi64(_mm512_sub_epi64(x, u), vq2), vq2), vq);
        _mm512_storeu_si512((void *)A, _mm512_permutex2var_epi64(s, ixoa, d));
        _mm512_storeu_si512((void *)(A + 8), _mm512_permutex2var_epi64(s, ixob, d));
    }
}

HEF_TARGET void HEF_NAME(hef_ntt_inverse_avx512)(uint64_t *restrict a, size_t logN, uint64_t q,
                                                 const uint64_t *restrict w, const uint64_t *restrict ws,
                                                 uint64_t inverseN, uint64_t inverseNShoup) {
    const size_t n = (size_t)1 << logN; // n >= 16
    const __m512i vq = _mm512_set1_epi64((long long)q);
    const __m512i vq2 = _mm512_set1_epi64((long long)(2 * q));
    // Stages t = 1, 2, 4 fused on blocks of 16 words (m = n/2, n/4, n/8).
    const __m512i ixe = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14);
    const __m512i ixo = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
    const __m512i ix2a = _mm512_setr_epi64(0, 8, 2, 10, 4, 12, 6, 14);
    const __m512i ix2b = _mm512_setr_epi64(1, 9, 3, 11, 5, 13, 7, 15);
    const __m512i ix4a = _mm512_setr_epi64(0, 1, 8, 9, 4, 5, 12, 13);
    const __m512i ix4b = _mm512_setr_epi64(2, 3, 10, 11, 6, 7, 14, 15);
    const __m512i ixoa = _mm512_setr_epi64(0, 1, 2, 3, 8, 9, 10, 11);
    const __m512i ixob = _mm512_setr_epi64(4, 5, 6, 7, 12, 13, 14, 15);
    const __m512i dup4 = _mm512_setr_epi64(0, 0, 0, 0, 1, 1, 1, 1);
    const __m512i dup2 = _mm512_setr_epi64(0, 0, 1, 1, 2, 2, 3, 3);
    const size_t m1 = n / 2, m2 = n / 4, m4 = n / 8;
    for (size_t b = 0; b < n / 16; b++) {
        uint64_t *restrict A = a + 16 * b;
        const __m512i v0 = _mm512_loadu_si512((const void *)A);
        const __m512i v1 = _mm512_loadu_si512((const void *)(A + 8));
        // t = 1
        __m512i x = _mm512_permutex2var_epi64(v0, ixe, v1);
        __m512i y = _mm512_permutex2var_epi64(v0, ixo, v1);
        __m512i W = _mm512_loadu_si512((const void *)(w + m1 + 8 * b));
        __m512i Wc = _mm512_loadu_si512((const void *)(ws + m1 + 8 * b));
        __m512i s = hef_vcsub(_mm512_add_epi64(x, y), vq2);
        __m512i d = HEF_NAME(hef_vmul_shoup_lazy)(_mm512_add_epi64(_mm512_sub_epi64(x, y), vq2), W, HEF_VCONST(Wc), vq);
        // t = 2
        x = _mm512_permutex2var_epi64(s, ix2a, d);
        y = _mm512_permutex2var_epi64(s, ix2b, d);
        W = _mm512_permutexvar_epi64(dup2, _mm512_castsi256_si512(_mm256_loadu_si256((const void *)(w + m2 + 4 * b))));
        Wc = _mm512_permutexvar_epi64(dup2, _mm512_castsi256_si512(_mm256_loadu_si256((const void *)(ws + m2 + 4 * b))));
        s = hef_vcsub(_mm512_add_epi64(x, y), vq2);
        d = HEF_NAME(hef_vmul_shoup_lazy)(_mm512_add_epi64(_mm512_sub_epi64(x, y), vq2), W, HEF_VCONST(Wc), vq);
        // t = 4
        x = _mm512_permutex2var_epi64(s, ix4a, d);
        y = _mm512_permutex2var_epi64(s, ix4b, d);
        W = _mm512_permutexvar_epi64(dup4, _mm512_castsi128_si512(_mm_loadu_si128((const void *)(w + m4 + 2 * b))));
        Wc = _mm512_permutexvar_epi64(dup4, _mm512_castsi128_si512(_mm_loadu_si128((const void *)(ws + m4 + 2 * b))));
        s = hef_vcsub(_mm512_add_epi64(x, y), vq2);
        d = HEF_NAME(hef_vmul_shoup_lazy)(_mm512_add_epi64(_mm512_sub_epi64(x, y), vq2), W, HEF_VCONST(Wc), vq);
        _mm512_storeu_si512((void *)A, _mm512_permutex2var_epi64(s, ixoa, d));
        _mm512_storeu_si512((void *)(A + 8), _mm512_permutex2var_epi64(s, ixob, d));
    }
    size_t t = 8;
    for (size_t m = n / 16; m > 1; m >>= 1) {
        for (size_t i = 0; i < m; i++) {
            const __m512i W = _mm512_set1_epi64((long long)w[m + i]);
            const __m512i Wc = _mm512_set1_epi64((long long)HEF_SCONST(ws[m + i]));
            uint64_t *restrict X = a + 2 * i * t;
            uint64_t *restrict Y = X + t;
            for (size_t j = 0; j < t; j += 8) {
                const __m512i x = _mm512_loadu_si512((const void *)(X + j));
                const __m512i y = _mm512_loadu_si512((const void *)(Y + j));
                _mm512_storeu_si512((void *)(X + j), hef_vcsub(_mm512_add_epi64(x, y), vq2));
                _mm512_storeu_si512((void *)(Y + j), HEF_NAME(hef_vmul_shoup_lazy)(
                    _mm512_add_epi64(_mm512_sub_epi64(x, y), vq2), W, Wc, vq));
            }
        }
        t <<= 1;
    }
    // Last stage (m = 1, t = n/2) with n^-1 folded in, fully reduced.
    const uint64_t w1 = (uint64_t)(((hef_u128)w[1] * inverseN) % q);
    const __m512i W = _mm512_set1_epi64((long long)w1);
    const __m512i Wc = _mm512_set1_epi64((long long)HEF_SCONST(hef_shoup(w1, q)));
    const __m512i N = _mm512_set1_epi64((long long)inverseN);
    const __m512i Nc = _mm512_set1_epi64((long long)HEF_SCONST(inverseNShoup));
    uint64_t *restrict X = a;
    uint64_t *restrict Y = a + t;
    for (size_t j = 0; j < t; j += 8) {
        const __m512i x = _mm512_loadu_si512((const void *)(X + j));
        const __m512i y = _mm512_loadu_si512((const void *)(Y + j));
        const __m512i s = HEF_NAME(hef_vmul_shoup_lazy)(_mm512_add_epi64(x, y), N, Nc, vq);
        const __m512i d = HEF_NAME(hef_vmul_shoup_lazy)(_mm512_add_epi64(_mm512_sub_epi64(x, y), vq2), W, Wc, vq);
        _mm512_storeu_si512((void *)(X + j), hef_vcsub(s, vq));
        _mm512_storeu_si512((void *)(Y + j), hef_vcsub(d, vq));
    }
}

#undef HEF_VCONST
#undef HEF_SCONST
