// Elementwise arithmetic mod q. Results may alias inputs (each word is read before written),
// except dot_product; so pointers here are not restrict-qualified where aliasing is allowed.
#include "cshims.h"
#include "modarith.h"

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

void hef_mul(uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count,
             uint64_t q, uint64_t mh, uint64_t ml) {
    for (size_t i = 0; i < count; i++) {
        result[i] = hef_barrett128((hef_u128)a[i] * b[i], q, mh, ml);
    }
}

void hef_mul_add(uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count,
                 uint64_t q, uint64_t mh, uint64_t ml) {
    for (size_t i = 0; i < count; i++) {
        // a*b + r < q^2 + q < 2^124: one reduction.
        result[i] = hef_barrett128((hef_u128)a[i] * b[i] + result[i], q, mh, ml);
    }
}

void hef_mul_scalar(uint64_t *result, const uint64_t *a, uint64_t scalar, size_t count, uint64_t q) {
    const uint64_t ws = hef_shoup(scalar, q);
    for (size_t i = 0; i < count; i++) {
        result[i] = hef_mul_shoup(a[i], scalar, ws, q);
    }
}

void hef_mul_scalar_add(uint64_t *result, const uint64_t *a, uint64_t scalar, size_t count, uint64_t q) {
    const uint64_t ws = hef_shoup(scalar, q);
    for (size_t i = 0; i < count; i++) {
        uint64_t s = hef_mul_shoup(a[i], scalar, ws, q) + result[i];
        result[i] = s >= q ? s - q : s;
    }
}

void hef_dot_product(uint64_t *restrict result, const uint64_t *const * a,
                     const uint64_t *const * b,
                     size_t terms, size_t count, uint64_t q, uint64_t mh, uint64_t ml) {
    // Each product is < 2^124; an accumulator reduced below q takes 15 more without overflow.
    enum { CHUNK = 15 };
    for (size_t i = 0; i < count; i++) {
        hef_u128 acc = 0;
        size_t t = 0;
        while (t < terms) {
            size_t end = terms - t > CHUNK ? t + CHUNK : terms;
            for (; t < end; t++) acc += (hef_u128)a[t][i] * b[t][i];
            if (t < terms) acc = hef_barrett128(acc, q, mh, ml);
        }
        result[i] = hef_barrett128(acc, q, mh, ml);
    }
}

void hef_reduce(uint64_t *result, const uint64_t *a, size_t count, uint64_t q, uint64_t mh) {
    for (size_t i = 0; i < count; i++) result[i] = hef_barrett64(a[i], q, mh);
}

void hef_reduce_signed(uint64_t *result, const int64_t *a, size_t count, uint64_t q, uint64_t mh) {
    for (size_t i = 0; i < count; i++) {
        int64_t x = a[i];
        if (x >= 0) {
            result[i] = hef_barrett64((uint64_t)x, q, mh);
        } else {
            uint64_t r = hef_barrett64(0 - (uint64_t)x, q, mh);
            result[i] = r == 0 ? 0 : q - r;
        }
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
