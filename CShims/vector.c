// Elementwise arithmetic mod q. Results may alias inputs (each word is read before written),
// except dot_product; so pointers here are not restrict-qualified where aliasing is allowed.
#include "cshims.h"
#include "modarith.h"
#include "ntt_internal.h"

void hef_add(uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count, uint64_t q) {
    for (size_t i = 0; i < count; i++) {
        uint64_t s = a[i] + b[i];
        result[i] = s >= q ? s - q : s;
    }
}

void hef_sub(uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count, uint64_t q) {
    for (size_t i = 0; i < count; i++) {
        uint64_t d = a[i] - b[i];
        result[i] = a[i] >= b[i] ? d : d + q;
    }
}

void hef_neg(uint64_t *result, const uint64_t *a, size_t count, uint64_t q) {
    for (size_t i = 0; i < count; i++) {
        uint64_t x = a[i];
        result[i] = x == 0 ? 0 : q - x;
    }
}

void hef_add_scalar(uint64_t *result, const uint64_t *a, uint64_t scalar, size_t count, uint64_t q) {
    for (size_t i = 0; i < count; i++) {
        uint64_t s = a[i] + scalar;
        result[i] = s >= q ? s - q : s;
    }
}

/// The FMA products (AVX2 on 4 lanes, AVX-512 on 8) need q < 2^50 (exact double-precision
/// arithmetic).
#define HEF_FMA_MODULUS_LIMIT ((uint64_t)1 << 50)

static void hef_mul_level(uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count,
                          uint64_t q, uint64_t mh, uint64_t ml, int level) {
#if HEF_HAVE_AVX512_NTT
    if (level >= 2 && q < HEF_FMA_MODULUS_LIMIT) { // avx512, ifma
        hef_mul_fma512_impl(result, a, b, count, q);
        return;
    }
    if (level >= 1 && q < HEF_FMA_MODULUS_LIMIT) { // avx2
        hef_mul_fma_impl(result, a, b, count, q);
        return;
    }
#endif
    (void)level;
    for (size_t i = 0; i < count; i++) {
        result[i] = hef_barrett128((hef_u128)a[i] * b[i], q, mh, ml);
    }
}

static void hef_mul_add_level(uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count,
                              uint64_t q, uint64_t mh, uint64_t ml, int level) {
#if HEF_HAVE_AVX512_NTT
    if (level >= 2 && q < HEF_FMA_MODULUS_LIMIT) { // avx512, ifma
        hef_mul_add_fma512_impl(result, a, b, count, q);
        return;
    }
    if (level >= 1 && q < HEF_FMA_MODULUS_LIMIT) { // avx2
        hef_mul_add_fma_impl(result, a, b, count, q);
        return;
    }
#endif
    (void)level;
    for (size_t i = 0; i < count; i++) {
        // a*b + r < q^2 + q < 2^124: one reduction.
        result[i] = hef_barrett128((hef_u128)a[i] * b[i] + result[i], q, mh, ml);
    }
}

void hef_mul(uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count,
             uint64_t q, uint64_t mh, uint64_t ml) {
    hef_mul_level(result, a, b, count, q, mh, ml, hef_simd_level());
}

void hef_mul_add(uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count,
                 uint64_t q, uint64_t mh, uint64_t ml) {
    hef_mul_add_level(result, a, b, count, q, mh, ml, hef_simd_level());
}

void hef_mul_on_path(int path, uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count,
                     uint64_t q, uint64_t mh, uint64_t ml) {
    hef_mul_level(result, a, b, count, q, mh, ml, hef_path_level(path));
}

void hef_mul_add_on_path(int path, uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count,
                         uint64_t q, uint64_t mh, uint64_t ml) {
    hef_mul_add_level(result, a, b, count, q, mh, ml, hef_path_level(path));
}

void hef_mul_scalar(uint64_t *result, const uint64_t *a, uint64_t scalar, size_t count, uint64_t q) {
    hef_mul_shoup_vector(result, a, count, scalar, hef_shoup(scalar, q), q);
}

void hef_mul_scalar_add(uint64_t *result, const uint64_t *a, uint64_t scalar, size_t count, uint64_t q) {
    hef_mul_shoup_add_vector(result, a, count, scalar, hef_shoup(scalar, q), q);
}

void hef_dot_product(uint64_t *restrict result, const uint64_t *const * a,
                     const uint64_t *const * b,
                     size_t terms, size_t count, uint64_t q, uint64_t mh, uint64_t ml) {
    (void)ml;
    if (terms == 0) {
        for (size_t i = 0; i < count; i++) result[i] = 0;
        return;
    }
#if HEF_HAVE_AVX512_NTT
    if (q < ((uint64_t)1 << 52) && terms <= 4096 && count % 8 == 0 && hef_simd_level() >= 3) { // path "ifma" in use
        hef_dot_product_ifma_impl(result, a, b, terms, count, q, mh);
        return;
    }
#endif
    const hef_reducer128 red = hef_make_reducer128(q, mh);
    // Each product is < 2^124; an accumulator reduced below q takes 15 more without overflow.
    // Blocks of coefficients, terms outer: each inner loop streams two contiguous inputs.
    enum { CHUNK = 15, BLOCK = 256 };
    hef_u128 acc[BLOCK];
    for (size_t c0 = 0; c0 < count; c0 += BLOCK) {
        const size_t len = count - c0 < BLOCK ? count - c0 : BLOCK;
        {
            const uint64_t *restrict x = a[0] + c0, *restrict y = b[0] + c0;
            HEF_SCALAR_LOOP
            for (size_t c = 0; c < len; c++) acc[c] = (hef_u128)x[c] * y[c];
        }
        for (size_t t = 1; t < terms; t++) {
            const uint64_t *restrict x = a[t] + c0, *restrict y = b[t] + c0;
            if (t % CHUNK == 0) {
                HEF_SCALAR_LOOP
                for (size_t c = 0; c < len; c++) acc[c] = (hef_u128)hef_reduce128(acc[c], red) + (hef_u128)x[c] * y[c];
            } else {
                HEF_SCALAR_LOOP
                for (size_t c = 0; c < len; c++) acc[c] += (hef_u128)x[c] * y[c];
            }
        }
        uint64_t *restrict out = result + c0;
        HEF_SCALAR_LOOP
        for (size_t c = 0; c < len; c++) out[c] = hef_reduce128(acc[c], red);
    }
}

void hef_reduce(uint64_t *result, const uint64_t *a, size_t count, uint64_t q, uint64_t mh) {
    for (size_t i = 0; i < count; i++) result[i] = hef_barrett64(a[i], q, mh);
}

void hef_reduce_signed(uint64_t *result, const int64_t *a, size_t count, uint64_t q, uint64_t mh) {
    for (size_t i = 0; i < count; i++) {
        // Branch-free in the sign (the inputs are secrets and errors): |x| by mask, then
        // q − r selected by mask when x < 0 and r ≠ 0.
        uint64_t x = (uint64_t)a[i];
        uint64_t negative = 0 - (x >> 63);                       // all ones when x < 0
        uint64_t magnitude = (x ^ negative) - negative;
        uint64_t r = hef_barrett64(magnitude, q, mh);
        uint64_t nonzero = 0 - ((r | (0 - r)) >> 63);            // all ones when r != 0
        uint64_t flip = negative & nonzero;
        result[i] = (r & ~flip) | ((q - r) & flip);
    }
}

void hef_permute(uint64_t *restrict result, const uint64_t *restrict a,
                 const uint32_t *restrict permutation, size_t count) {
    for (size_t i = 0; i < count; i++) result[i] = a[permutation[i]];
}

void hef_automorphism_coefficients(uint64_t *restrict result, const uint64_t *restrict a,
                                   uint64_t g, size_t n, uint64_t q) {
    const uint64_t mask = 2 * (uint64_t)n - 1;
    uint64_t j = 0;
    for (size_t i = 0; i < n; i++, j = (j + g) & mask) {
        uint64_t x = a[i];
        if (j < n) result[j] = x;
        else result[j - n] = x == 0 ? 0 : q - x;
    }
}
