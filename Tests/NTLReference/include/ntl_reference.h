#ifndef HEF_NTL_REFERENCE_H
#define HEF_NTL_REFERENCE_H
// NTL as an independent reference for the ring-layer tests.
#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// out = a · b in Z_q[X]/(X^n + 1), coefficients in [0, q). q need not be prime.
void ntl_negacyclic_multiply(const uint64_t *a, const uint64_t *b, size_t n, uint64_t q, uint64_t *out);

/// residues: k vectors of `count` words (modulo moduli[0..k)); out_limbs receives, for each
/// coefficient c, the CRT composition in [0, Π moduli) as `limb_count` little-endian words.
void ntl_crt_compose(const uint64_t *residues, const uint64_t *moduli, size_t k, size_t count,
                     uint64_t *out_limbs, size_t limb_count);

/// 1 if n is prime (NTL's ProbPrime, 64-bit words).
int ntl_is_prime(uint64_t n);

#ifdef __cplusplus
}
#endif
#endif
