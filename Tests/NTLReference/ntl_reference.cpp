#include "ntl_reference.h"

#include <NTL/ZZ.h>
#include <NTL/ZZ_p.h>
#include <NTL/ZZ_pX.h>

using namespace NTL;

static ZZ to_ZZ_u64(uint64_t x) {
    ZZ r;
    r = (unsigned long)(x >> 32);
    r <<= 32;
    r += (unsigned long)(x & 0xffffffffu);
    return r;
}

static uint64_t to_u64(const ZZ &x) {
    uint64_t lo = 0;
    unsigned char bytes[8] = {0};
    BytesFromZZ(bytes, x, 8);
    for (int i = 7; i >= 0; i--) lo = (lo << 8) | bytes[i];
    return lo;
}

extern "C" void ntl_negacyclic_multiply(const uint64_t *a, const uint64_t *b, size_t n, uint64_t q, uint64_t *out) {
    ZZ_pPush push(to_ZZ_u64(q));
    ZZ_pX pa, pb, pc;
    pa.SetLength((long)n);
    pb.SetLength((long)n);
    for (size_t i = 0; i < n; i++) {
        pa[(long)i] = conv<ZZ_p>(to_ZZ_u64(a[i]));
        pb[(long)i] = conv<ZZ_p>(to_ZZ_u64(b[i]));
    }
    pa.normalize();
    pb.normalize();
    mul(pc, pa, pb);
    for (size_t i = 0; i < n; i++) {
        ZZ_p lo = coeff(pc, (long)i);
        ZZ_p hi = coeff(pc, (long)(i + n));
        out[i] = to_u64(rep(lo - hi));
    }
}

extern "C" void ntl_crt_compose(const uint64_t *residues, const uint64_t *moduli, size_t k, size_t count,
                                uint64_t *out_limbs, size_t limb_count) {
    for (size_t c = 0; c < count; c++) {
        ZZ a, p;
        a = 0;
        p = 1;
        for (size_t i = 0; i < k; i++) {
            CRT(a, p, to_ZZ_u64(residues[i * count + c]), to_ZZ_u64(moduli[i]));
        }
        // NTL leaves a in (-p/2, p/2]: bring it into [0, p).
        if (sign(a) < 0) a += p;
        unsigned char *bytes = new unsigned char[8 * limb_count];
        BytesFromZZ(bytes, a, (long)(8 * limb_count));
        for (size_t l = 0; l < limb_count; l++) {
            uint64_t w = 0;
            for (int j = 7; j >= 0; j--) w = (w << 8) | bytes[8 * l + (size_t)j];
            out_limbs[c * limb_count + l] = w;
        }
        delete[] bytes;
    }
}

extern "C" int ntl_is_prime(uint64_t n) {
    return ProbPrime(to_ZZ_u64(n), 30) ? 1 : 0;
}
