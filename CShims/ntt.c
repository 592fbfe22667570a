// Negacyclic NTT with Harvey's lazy butterflies and Shoup twiddles.
// Forward (Cooley–Tukey): values stay in [0, 4q); inverse (Gentleman–Sande): in [0, 2q).
// Both end fully reduced in [0, q). Layout and loop structure as NTTTables documents.
#include "cshims.h"
#include "modarith.h"

HEF_INLINE uint64_t hef_reduce4q(uint64_t x, uint64_t q, uint64_t q2) {
    x = hef_csub(x, q2);
    return hef_csub(x, q);
}

void hef_ntt_forward(uint64_t *restrict a, size_t logN, uint64_t q,
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

void hef_ntt_inverse(uint64_t *restrict a, size_t logN, uint64_t q,
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
