// Newline search for the in-process merge proof, which cuts hundreds of megabytes of blobs
// into lines on a long history: sixteen bytes at a time with SSE2 (part of every x86-64),
// else with `memchr`, as before. A `memchr` call per line, or a loop over each chunk's newlines, costs
// a mispredicted branch per line of source (thirty bytes): the positions are written without
// branching, two per chunk, and only a chunk with more newlines loops.
#include "CCustodyScan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#else
#include <string.h>
#endif

size_t custody_count_newlines(const unsigned char *bytes, size_t count) {
    size_t found = 0;
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i zero = _mm_setzero_si128();
    while (i + 16 <= count) {
        // Per-byte counters (each comparison adds 0 or -1), summed before they can wrap.
        __m128i counters = zero;
        size_t rounds = 0;
        for (; rounds < 255 && i + 16 <= count; rounds++, i += 16) {
            __m128i chunk = _mm_loadu_si128((const __m128i *)(bytes + i));
            counters = _mm_sub_epi8(counters, _mm_cmpeq_epi8(chunk, newline));
        }
        __m128i sums = _mm_sad_epu8(counters, zero);
        found += (size_t)_mm_cvtsi128_si32(sums) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sums, 8));
    }
    for (; i < count; i++) found += bytes[i] == '\n';
#else
    for (const unsigned char *p; i < count && (p = memchr(bytes + i, '\n', count - i)) != NULL;) {
        found++;
        i = (size_t)(p - bytes) + 1;
    }
#endif
    return found;
}

size_t custody_newline_ends(const unsigned char *bytes, size_t count, ptrdiff_t *out) {
    size_t written = 0;
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8('\n');
    for (; i + 16 <= count; i += 16) {
        __m128i chunk = _mm_loadu_si128((const __m128i *)(bytes + i));
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, newline));
        // Two positions without a branch: a chunk without one more newline writes a value that
        // the next write replaces (`out` has room for one entry past the last newline).
        out[written] = (ptrdiff_t)(i + (size_t)__builtin_ctz(mask | 0x10000u) + 1);
        written += mask != 0;
        mask &= mask - 1;
        out[written] = (ptrdiff_t)(i + (size_t)__builtin_ctz(mask | 0x10000u) + 1);
        written += mask != 0;
        mask &= mask - 1;
        while (mask != 0) {
            out[written++] = (ptrdiff_t)(i + (size_t)__builtin_ctz(mask) + 1);
            mask &= mask - 1;
        }
    }
    for (; i < count; i++) {
        if (bytes[i] == '\n') out[written++] = (ptrdiff_t)(i + 1);
    }
#else
    for (const unsigned char *p; i < count && (p = memchr(bytes + i, '\n', count - i)) != NULL;) {
        i = (size_t)(p - bytes) + 1;
        out[written++] = (ptrdiff_t)i;
    }
#endif
    return written;
}
