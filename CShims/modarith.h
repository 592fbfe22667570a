#ifndef HEF_CSHIMS_MODARITH_H
#define HEF_CSHIMS_MODARITH_H
// Internal inline helpers for word arithmetic modulo q < 2^62.
#include <stdint.h>

typedef unsigned __int128 hef_u128;

#define HEF_INLINE static inline __attribute__((always_inline))

// Clang's auto-vectoriser emulates 64x64->128 products in SSE lanes, which roughly doubles
// the NTT time; keep butterfly loops scalar.
#if defined(__clang__)
#define HEF_SCALAR_LOOP _Pragma("clang loop vectorize(disable) interleave(disable)")
#else
#define HEF_SCALAR_LOOP
#endif

/// x - m if x >= m, else x: branch-free (min of x and the wrapped difference).
HEF_INLINE uint64_t hef_csub(uint64_t x, uint64_t m) {
    const uint64_t d = x - m;
    return d < x ? d : x;
}

/// floor(w * 2^64 / q), the Shoup companion of w < q.
HEF_INLINE uint64_t hef_shoup(uint64_t w, uint64_t q) {
    return (uint64_t)(((hef_u128)w << 64) / q);
}

/// w * x mod q in [0, 2q) for any 64-bit x (Shoup, lazy).
HEF_INLINE uint64_t hef_mul_shoup_lazy(uint64_t x, uint64_t w, uint64_t ws, uint64_t q) {
    uint64_t qh = (uint64_t)(((hef_u128)ws * x) >> 64);
    return w * x - qh * q;
}

/// w * x mod q in [0, q).
HEF_INLINE uint64_t hef_mul_shoup(uint64_t x, uint64_t w, uint64_t ws, uint64_t q) {
    uint64_t r = hef_mul_shoup_lazy(x, w, ws, q);
    return r >= q ? r - q : r;
}

/// z mod q for any 128-bit z, with (mh:ml) = floor(2^128 / q). The quotient estimate is
/// floor(z*m / 2^128) exactly, at most one below floor(z/q): one correction.
HEF_INLINE uint64_t hef_barrett128(hef_u128 z, uint64_t q, uint64_t mh, uint64_t ml) {
    uint64_t z0 = (uint64_t)z, z1 = (uint64_t)(z >> 64);
    hef_u128 t = (hef_u128)z0 * mh + (uint64_t)(((hef_u128)z0 * ml) >> 64);
    hef_u128 s = (hef_u128)z1 * ml + (uint64_t)t;
    uint64_t qh = z1 * mh + (uint64_t)(t >> 64) + (uint64_t)(s >> 64);
    uint64_t r = z0 - qh * q;
    return r >= q ? r - q : r;
}

/// Constants for hef_reduce128: R = 2^64 mod q with its Shoup companion, and floor(2^64 / q).
typedef struct { uint64_t q, r, rs, mh; } hef_reducer128;

HEF_INLINE hef_reducer128 hef_make_reducer128(uint64_t q, uint64_t mh) {
    hef_reducer128 c;
    c.q = q;
    c.r = (uint64_t)((((hef_u128)1) << 64) % q);
    c.rs = hef_shoup(c.r, q);
    c.mh = mh;
    return c;
}

/// z mod q for any 128-bit z (q < 2^62): z1·2^64 via Shoup with R = 2^64 mod q (lazy, [0, 2q)),
/// z0 via a lazy Barrett ([0, 2q)); the sum is below 4q. Same value as hef_barrett128, with a
/// shorter dependency chain.
HEF_INLINE uint64_t hef_reduce128(hef_u128 z, hef_reducer128 c) {
    const uint64_t z0 = (uint64_t)z, z1 = (uint64_t)(z >> 64);
    const uint64_t hi = hef_mul_shoup_lazy(z1, c.r, c.rs, c.q);
    const uint64_t qh = (uint64_t)(((hef_u128)z0 * c.mh) >> 64);
    const uint64_t lo = z0 - qh * c.q;
    return hef_csub(hef_csub(hi + lo, 2 * c.q), c.q);
}

/// x mod q for any 64-bit x, with mh = floor(2^64 / q).
HEF_INLINE uint64_t hef_barrett64(uint64_t x, uint64_t q, uint64_t mh) {
    uint64_t qh = (uint64_t)(((hef_u128)x * mh) >> 64);
    uint64_t r = x - qh * q;
    return r >= q ? r - q : r;
}

#endif
