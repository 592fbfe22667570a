// AVX-512 IFMA vector kernels (compiled per function, dispatched at run time from vector.c).
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
#endif
