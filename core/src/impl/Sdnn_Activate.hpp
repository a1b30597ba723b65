#ifndef SDNN_ACTIVATE_HPP
#define SDNN_ACTIVATE_HPP

// The challenge's activation, one float at a time. Private to the library.

namespace sdnn::impl
{

/// Fused bias + ReLU + clamp, applied only where z != 0 (the challenge's semantics). A NaN (a sum where +inf met
/// -inf) gives 0, like a negative value: every kernel and the reference agree on it, and it never spreads.
inline float activate(float z, float bias, float ymax)
{
  float const t = z + bias;
  return z != 0.0f && t > 0.0f ? (t > ymax ? ymax : t) : 0.0f;
}

} // namespace sdnn::impl

#endif
