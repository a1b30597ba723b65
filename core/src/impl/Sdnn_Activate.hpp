#ifndef SDNN_ACTIVATE_HPP
#define SDNN_ACTIVATE_HPP

// The challenge's activation, one float at a time. Private to the library.

namespace sdnn::impl
{

/// Fused bias + ReLU + clamp, applied only where z != 0 (the challenge's semantics).
inline float activate(float z, float bias, float ymax)
{
  float t = z + bias;
  t = t < 0.0f ? 0.0f : t;
  t = t > ymax ? ymax : t;
  return z != 0.0f ? t : 0.0f;
}

} // namespace sdnn::impl

#endif
