// ChaCha20 keystream blocks (RFC 8439) for Hef's RandomStream: one block at a time in scalar C,
// eight at a time on AVX2 and sixteen on AVX-512 (one block per 32-bit lane, the state held as
// sixteen vectors of word i of every block), chosen with the NTT's run-time path
// (hef_simd_level, HEF_SIMD). Every path writes the same words. The working state left on the
// stack is not zeroed here (it is overwritten by the next call); the key and the buffered
// keystream are what RandomStream.wipe() erases.
#include <string.h>

#include "cshims.h"
#include "ntt_internal.h"

#define HEF_ROTL32(x, r) (((x) << (r)) | ((x) >> (32 - (r))))
#define HEF_QR(a, b, c, d)                                                                         \
    a += b; d ^= a; d = HEF_ROTL32(d, 16);                                                         \
    c += d; b ^= c; b = HEF_ROTL32(b, 12);                                                         \
    a += b; d ^= a; d = HEF_ROTL32(d, 8);                                                          \
    c += d; b ^= c; b = HEF_ROTL32(b, 7);

static void hef_chacha20_block(uint32_t *out, const uint32_t *key, const uint32_t *nonce, uint32_t counter) {
    uint32_t in[16] = { 0x61707865u, 0x3320646eu, 0x79622d32u, 0x6b206574u,
                        key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
                        counter, nonce[0], nonce[1], nonce[2] };
    uint32_t x[16];
    memcpy(x, in, sizeof x);
    for (int round = 0; round < 10; round++) {
        HEF_QR(x[0], x[4], x[8], x[12]) HEF_QR(x[1], x[5], x[9], x[13])
        HEF_QR(x[2], x[6], x[10], x[14]) HEF_QR(x[3], x[7], x[11], x[15])
        HEF_QR(x[0], x[5], x[10], x[15]) HEF_QR(x[1], x[6], x[11], x[12])
        HEF_QR(x[2], x[7], x[8], x[13]) HEF_QR(x[3], x[4], x[9], x[14])
    }
    for (int i = 0; i < 16; i++) out[i] = x[i] + in[i];
}

#if HEF_HAVE_AVX512_NTT
#include <immintrin.h>

#define HEF_TARGET2 __attribute__((target("avx2")))
#define HEF_TARGET512 __attribute__((target("avx512f")))

// Rotations by 16 and 8 are byte shuffles on AVX2; the others shifts and an OR.
#define HEF_V2ROTL(x, r) _mm256_or_si256(_mm256_slli_epi32(x, r), _mm256_srli_epi32(x, 32 - (r)))
#define HEF_V2QR(a, b, c, d)                                                                       \
    a = _mm256_add_epi32(a, b); d = _mm256_shuffle_epi8(_mm256_xor_si256(d, a), rot16);            \
    c = _mm256_add_epi32(c, d); b = _mm256_xor_si256(b, c); b = HEF_V2ROTL(b, 12);                 \
    a = _mm256_add_epi32(a, b); d = _mm256_shuffle_epi8(_mm256_xor_si256(d, a), rot8);             \
    c = _mm256_add_epi32(c, d); b = _mm256_xor_si256(b, c); b = HEF_V2ROTL(b, 7);

/// Blocks counter … counter + 7 (no counter wrap: the caller checks).
HEF_TARGET2 static void hef_chacha20_8blocks_avx2(uint32_t *out, const uint32_t *key, const uint32_t *nonce,
                                                 uint32_t counter) {
    const __m256i rot16 = _mm256_set_epi8(13, 12, 15, 14, 9, 8, 11, 10, 5, 4, 7, 6, 1, 0, 3, 2,
                                          13, 12, 15, 14, 9, 8, 11, 10, 5, 4, 7, 6, 1, 0, 3, 2);
    const __m256i rot8 = _mm256_set_epi8(14, 13, 12, 15, 10, 9, 8, 11, 6, 5, 4, 7, 2, 1, 0, 3,
                                         14, 13, 12, 15, 10, 9, 8, 11, 6, 5, 4, 7, 2, 1, 0, 3);
    __m256i in[16];
    in[0] = _mm256_set1_epi32(0x61707865);
    in[1] = _mm256_set1_epi32(0x3320646e);
    in[2] = _mm256_set1_epi32(0x79622d32);
    in[3] = _mm256_set1_epi32(0x6b206574);
    for (int i = 0; i < 8; i++) in[4 + i] = _mm256_set1_epi32((int)key[i]);
    in[12] = _mm256_add_epi32(_mm256_set1_epi32((int)counter), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    for (int i = 0; i < 3; i++) in[13 + i] = _mm256_set1_epi32((int)nonce[i]);
    __m256i x0 = in[0], x1 = in[1], x2 = in[2], x3 = in[3], x4 = in[4], x5 = in[5], x6 = in[6], x7 = in[7];
    __m256i x8 = in[8], x9 = in[9], x10 = in[10], x11 = in[11], x12 = in[12], x13 = in[13], x14 = in[14],
            x15 = in[15];
    for (int round = 0; round < 10; round++) {
        HEF_V2QR(x0, x4, x8, x12) HEF_V2QR(x1, x5, x9, x13) HEF_V2QR(x2, x6, x10, x14) HEF_V2QR(x3, x7, x11, x15)
        HEF_V2QR(x0, x5, x10, x15) HEF_V2QR(x1, x6, x11, x12) HEF_V2QR(x2, x7, x8, x13) HEF_V2QR(x3, x4, x9, x14)
    }
    __m256i x[16] = { x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15 };
    // Transpose: word i of block b is lane b of x[i] + in[i]; 8×8 transposes of 32-bit words
    // for words 0–7 and 8–15.
    for (int half = 0; half < 2; half++) {
        __m256i v[8];
        for (int i = 0; i < 8; i++) v[i] = _mm256_add_epi32(x[8 * half + i], in[8 * half + i]);
        const __m256i t0 = _mm256_unpacklo_epi32(v[0], v[1]), t1 = _mm256_unpackhi_epi32(v[0], v[1]);
        const __m256i t2 = _mm256_unpacklo_epi32(v[2], v[3]), t3 = _mm256_unpackhi_epi32(v[2], v[3]);
        const __m256i t4 = _mm256_unpacklo_epi32(v[4], v[5]), t5 = _mm256_unpackhi_epi32(v[4], v[5]);
        const __m256i t6 = _mm256_unpacklo_epi32(v[6], v[7]), t7 = _mm256_unpackhi_epi32(v[6], v[7]);
        const __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
        const __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
        const __m256i u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
        const __m256i u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);
        // u0: lanes (blocks) 0 and 4 of words 0–3 … ; combine 128-bit halves.
        const __m256i r[8] = {
            _mm256_permute2x128_si256(u0, u4, 0x20), _mm256_permute2x128_si256(u1, u5, 0x20),
            _mm256_permute2x128_si256(u2, u6, 0x20), _mm256_permute2x128_si256(u3, u7, 0x20),
            _mm256_permute2x128_si256(u0, u4, 0x31), _mm256_permute2x128_si256(u1, u5, 0x31),
            _mm256_permute2x128_si256(u2, u6, 0x31), _mm256_permute2x128_si256(u3, u7, 0x31),
        };
        for (int b = 0; b < 8; b++) _mm256_storeu_si256((__m256i *)(void *)(out + 16 * b + 8 * half), r[b]);
    }
}

#define HEF_V5QR(a, b, c, d)                                                                       \
    a = _mm512_add_epi32(a, b); d = _mm512_rol_epi32(_mm512_xor_si512(d, a), 16);                  \
    c = _mm512_add_epi32(c, d); b = _mm512_rol_epi32(_mm512_xor_si512(b, c), 12);                  \
    a = _mm512_add_epi32(a, b); d = _mm512_rol_epi32(_mm512_xor_si512(d, a), 8);                   \
    c = _mm512_add_epi32(c, d); b = _mm512_rol_epi32(_mm512_xor_si512(b, c), 7);

/// Blocks counter … counter + 15 (no counter wrap: the caller checks).
HEF_TARGET512 static void hef_chacha20_16blocks_avx512(uint32_t *out, const uint32_t *key, const uint32_t *nonce,
                                                      uint32_t counter) {
    __m512i in[16];
    in[0] = _mm512_set1_epi32(0x61707865);
    in[1] = _mm512_set1_epi32(0x3320646e);
    in[2] = _mm512_set1_epi32(0x79622d32);
    in[3] = _mm512_set1_epi32(0x6b206574);
    for (int i = 0; i < 8; i++) in[4 + i] = _mm512_set1_epi32((int)key[i]);
    in[12] = _mm512_add_epi32(_mm512_set1_epi32((int)counter),
                              _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
    for (int i = 0; i < 3; i++) in[13 + i] = _mm512_set1_epi32((int)nonce[i]);
    __m512i x0 = in[0], x1 = in[1], x2 = in[2], x3 = in[3], x4 = in[4], x5 = in[5], x6 = in[6], x7 = in[7];
    __m512i x8 = in[8], x9 = in[9], x10 = in[10], x11 = in[11], x12 = in[12], x13 = in[13], x14 = in[14],
            x15 = in[15];
    for (int round = 0; round < 10; round++) {
        HEF_V5QR(x0, x4, x8, x12) HEF_V5QR(x1, x5, x9, x13) HEF_V5QR(x2, x6, x10, x14) HEF_V5QR(x3, x7, x11, x15)
        HEF_V5QR(x0, x5, x10, x15) HEF_V5QR(x1, x6, x11, x12) HEF_V5QR(x2, x7, x8, x13) HEF_V5QR(x3, x4, x9, x14)
    }
    __m512i x[16] = { x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15 };
    for (int i = 0; i < 16; i++) x[i] = _mm512_add_epi32(x[i], in[i]);
    // Transpose 16×16 words with scatters of one word per block: column i of the block matrix.
    const __m512i index = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                             _mm512_set1_epi32(16));
    for (int i = 0; i < 16; i++) _mm512_i32scatter_epi32(out + i, index, x[i], 4);
}
#endif

static void hef_chacha20_blocks_level(int level, uint32_t *out, const uint32_t *key, const uint32_t *nonce,
                                      uint32_t counter, size_t blockCount) {
    size_t b = 0;
#if HEF_HAVE_AVX512_NTT
    if (level >= 2) {
        while (blockCount - b >= 16 && counter <= UINT32_MAX - 16) {
            hef_chacha20_16blocks_avx512(out + 16 * b, key, nonce, counter);
            counter += 16;
            b += 16;
        }
    }
    if (level >= 1) {
        while (blockCount - b >= 8 && counter <= UINT32_MAX - 8) {
            hef_chacha20_8blocks_avx2(out + 16 * b, key, nonce, counter);
            counter += 8;
            b += 8;
        }
    }
#else
    (void)level;
#endif
    for (; b < blockCount; b++, counter++) hef_chacha20_block(out + 16 * b, key, nonce, counter);
}

void hef_chacha20_blocks(uint32_t *out, const uint32_t *key, const uint32_t *nonce, uint32_t counter,
                         size_t blockCount) {
    hef_chacha20_blocks_level(hef_simd_level(), out, key, nonce, counter, blockCount);
}

void hef_chacha20_blocks_on_path(int path, uint32_t *out, const uint32_t *key, const uint32_t *nonce,
                                 uint32_t counter, size_t blockCount) {
    hef_chacha20_blocks_level(hef_path_level(path), out, key, nonce, counter, blockCount);
}
