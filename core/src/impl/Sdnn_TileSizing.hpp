#ifndef SDNN_TILESIZING_HPP
#define SDNN_TILESIZING_HPP

// The default number of input rows per tile of each mode (InferenceOptions::tile_rows = 0). Private to the
// library.

#include <Sdnn_Inference.hpp>

#include <cstdint>

namespace sdnn::impl
{

/// Bytes of one core's L2 cache as the C library reports it (glibc: sysconf), else 1 MiB.
std::int64_t l2_cache_bytes();

/// Default tile size of mode `mode` for `rows` input rows of `n` columns on `threads` threads (see the .cpp).
std::int64_t default_tile_rows(Parallelism mode, std::int64_t rows, std::int64_t n, int threads);

} // namespace sdnn::impl

#endif
