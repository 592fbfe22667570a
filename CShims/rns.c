// RNS basis conversion and exact CRT composition on 64-bit limbs.
#include <stdlib.h>
#include <math.h>
#include "cshims.h"
#include "modarith.h"
#include "ntt_internal.h"

enum { HEF_BLOCK = 64, HEF_CHUNK = 15 };

void hef_convert_basis(uint64_t *restrict output, const uint64_t *restrict input, size_t count,
                       const uint64_t *inputModuli, size_t k,
                       const uint64_t *qHatInverse, const uint64_t *qHatInverseShoup,
                       const uint64_t *outputModuli, const uint64_t *outputBarrettHigh,
                       const uint64_t *outputBarrettLow, size_t m,
                       const uint64_t *qHatModP) {
    hef_convert_basis_strided(output, input, count, count, inputModuli, k, qHatInverse, qHatInverseShoup,
                              outputModuli, outputBarrettHigh, outputBarrettLow, m, qHatModP);
}

void hef_convert_basis_strided(uint64_t *restrict output, const uint64_t *restrict input, size_t count,
                               size_t stride, const uint64_t *inputModuli, size_t k,
                               const uint64_t *qHatInverse, const uint64_t *qHatInverseShoup,
                               const uint64_t *outputModuli, const uint64_t *outputBarrettHigh,
                               const uint64_t *outputBarrettLow, size_t m,
                               const uint64_t *qHatModP) {
    (void)outputBarrettLow;
    // y_i = [x_i · qHatInv_i]_{q_i} for a block of coefficients (on the stack for small k),
    // then per output modulus the k-term sums, accumulated in 128 bits and reduced once per
    // HEF_CHUNK terms. The block of y stays in L1.
    enum { STACK_Y = 16 * HEF_BLOCK };
    uint64_t stackY[STACK_Y];
    uint64_t *y = k * HEF_BLOCK <= STACK_Y ? stackY : (uint64_t *)malloc(sizeof(uint64_t) * k * HEF_BLOCK);
    hef_u128 acc[HEF_BLOCK];
    enum { STACK_RED = 16 };
    hef_reducer128 stackRed[STACK_RED];
    hef_reducer128 *red = m <= STACK_RED ? stackRed : (hef_reducer128 *)malloc(sizeof(hef_reducer128) * m);
    for (size_t j = 0; j < m; j++) red[j] = hef_make_reducer128(outputModuli[j], outputBarrettHigh[j]);
    for (size_t c0 = 0; c0 < count; c0 += HEF_BLOCK) {
        const size_t len = count - c0 < HEF_BLOCK ? count - c0 : HEF_BLOCK;
        for (size_t i = 0; i < k; i++) {
            hef_mul_shoup_vector(y + i * HEF_BLOCK, input + i * stride + c0, len,
                                 qHatInverse[i], qHatInverseShoup[i], inputModuli[i]);
        }
        for (size_t j = 0; j < m; j++) {
            const hef_reducer128 rj = red[j];
            const uint64_t *row = qHatModP + j * k;
            uint64_t *restrict out = output + j * stride + c0;
            if (k <= HEF_CHUNK) {
                // Sums in registers, one reduction.
                HEF_SCALAR_LOOP
                for (size_t c = 0; c < len; c++) {
                    hef_u128 s = 0;
                    for (size_t i = 0; i < k; i++) s += (hef_u128)y[i * HEF_BLOCK + c] * row[i];
                    out[c] = hef_reduce128(s, rj);
                }
                continue;
            }
            for (size_t c = 0; c < len; c++) acc[c] = 0;
            for (size_t i = 0; i < k; i++) {
                const uint64_t h = row[i];
                const uint64_t *restrict yi = y + i * HEF_BLOCK;
                HEF_SCALAR_LOOP
                for (size_t c = 0; c < len; c++) acc[c] += (hef_u128)yi[c] * h;
                if (i % HEF_CHUNK == HEF_CHUNK - 1 && i + 1 < k) {
                    HEF_SCALAR_LOOP
                    for (size_t c = 0; c < len; c++) acc[c] = hef_reduce128(acc[c], rj);
                }
            }
            HEF_SCALAR_LOOP
            for (size_t c = 0; c < len; c++) out[c] = hef_reduce128(acc[c], rj);
        }
    }
    if (y != stackY) free(y);
    if (red != stackRed) free(red);
}

HEF_INLINE int hef_limbs_cmp(const uint64_t *a, const uint64_t *b, size_t L) {
    for (size_t l = L; l-- > 0;) {
        if (a[l] != b[l]) return a[l] > b[l] ? 1 : -1;
    }
    return 0;
}

/// a -= b (a >= b).
HEF_INLINE void hef_limbs_sub(uint64_t *a, const uint64_t *b, size_t L) {
    uint64_t borrow = 0;
    for (size_t l = 0; l < L; l++) {
        uint64_t x = a[l], y = b[l];
        uint64_t d = x - y - borrow;
        borrow = (x < y) | ((x == y) & borrow);
        a[l] = d;
    }
}

/// r = b - a (b >= a).
HEF_INLINE void hef_limbs_rsub(uint64_t *r, const uint64_t *a, const uint64_t *b, size_t L) {
    uint64_t borrow = 0;
    for (size_t l = 0; l < L; l++) {
        uint64_t x = b[l], y = a[l];
        uint64_t d = x - y - borrow;
        borrow = (x < y) | ((x == y) & borrow);
        r[l] = d;
    }
}

/// out = Σ [x_i·qHatInv_i]_{q_i} · qHat_i, then reduced into [0, Q).
HEF_INLINE void hef_compose_one(uint64_t *restrict out, const uint64_t *restrict residues,
                                size_t c, size_t count, const uint64_t *moduli, size_t k,
                                const uint64_t *qHatInverse, const uint64_t *qHatInverseShoup,
                                const uint64_t *qHat, const uint64_t *Q, size_t L) {
    for (size_t l = 0; l < L; l++) out[l] = 0;
    for (size_t i = 0; i < k; i++) {
        const uint64_t y = hef_mul_shoup(residues[i * count + c], qHatInverse[i], qHatInverseShoup[i], moduli[i]);
        const uint64_t *h = qHat + i * L;
        uint64_t carry = 0;
        for (size_t l = 0; l < L; l++) {
            hef_u128 p = (hef_u128)y * h[l] + out[l] + carry;
            out[l] = (uint64_t)p;
            carry = (uint64_t)(p >> 64);
        }
    }
    while (hef_limbs_cmp(out, Q, L) >= 0) hef_limbs_sub(out, Q, L);
}

void hef_compose_crt(uint64_t *output, const uint64_t *residues, size_t count,
                     const uint64_t *moduli, size_t k,
                     const uint64_t *qHatInverse, const uint64_t *qHatInverseShoup,
                     const uint64_t *qHat, const uint64_t *modulusProduct, size_t L) {
    for (size_t c = 0; c < count; c++) {
        hef_compose_one(output + c * L, residues, c, count, moduli, k,
                        qHatInverse, qHatInverseShoup, qHat, modulusProduct, L);
    }
}

HEF_INLINE double hef_u64_to_double_truncated(uint64_t x) {
    if (x < ((uint64_t)1 << 53)) return (double)x;
    const int shift = (64 - __builtin_clzll(x)) - 53;
    return (double)((x >> shift) << shift); // exactly representable: 53 significant bits
}

double hef_limbs_to_double_truncated(const uint64_t *limbs, size_t L, int negative) {
    size_t h = L;
    while (h > 0 && limbs[h - 1] == 0) h--;
    if (h == 0) return 0.0;
    double v;
    if (h == 1) {
        v = hef_u64_to_double_truncated(limbs[0]);
    } else {
        const size_t bits = 64 * (h - 1) + (size_t)(64 - __builtin_clzll(limbs[h - 1]));
        const size_t shift = bits - 53;
        const size_t lw = shift / 64, lb = shift % 64;
        uint64_t m = limbs[lw] >> lb;
        if (lb > 0 && lw + 1 < L) m |= limbs[lw + 1] << (64 - lb);
        m &= ((uint64_t)1 << 53) - 1;
        v = ldexp((double)m, (int)shift);
    }
    return negative ? -v : v;
}

void hef_compose_centered(double *output, const uint64_t *residues, size_t count,
                          const uint64_t *moduli, const uint64_t *barrettHigh, size_t k,
                          const uint64_t *qHatInverse, const uint64_t *qHatInverseShoup,
                          const uint64_t *qHat, const uint64_t *modulusProduct,
                          const uint64_t *halfProduct, size_t L, double factor) {
    uint64_t *scratch = (uint64_t *)malloc(sizeof(uint64_t) * 2 * L);
    uint64_t *x = scratch, *mag = scratch + L;
    const uint64_t q0 = moduli[0], half0 = q0 >> 1;
    for (size_t c = 0; c < count; c++) {
        // Fast path: the centered lift from q_0 alone.
        const uint64_t r0 = residues[c];
        const int neg0 = r0 > half0;
        const uint64_t m0 = neg0 ? q0 - r0 : r0;
        int agrees = 1;
        for (size_t i = 1; i < k && agrees; i++) {
            const uint64_t qi = moduli[i];
            uint64_t r = hef_barrett64(m0, qi, barrettHigh[i]);
            if (neg0 && r != 0) r = qi - r;
            agrees = r == residues[i * count + c];
        }
        if (agrees) {
            const double v = hef_u64_to_double_truncated(m0);
            output[c] = (neg0 ? -v : v) * factor;
            continue;
        }
        hef_compose_one(x, residues, c, count, moduli, k, qHatInverse, qHatInverseShoup,
                        qHat, modulusProduct, L);
        if (hef_limbs_cmp(x, halfProduct, L) > 0) {
            hef_limbs_rsub(mag, x, modulusProduct, L);
            output[c] = hef_limbs_to_double_truncated(mag, L, 1) * factor;
        } else {
            output[c] = hef_limbs_to_double_truncated(x, L, 0) * factor;
        }
    }
    free(scratch);
}
