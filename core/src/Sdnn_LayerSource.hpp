#ifndef SDNN_LAYERSOURCE_HPP
#define SDNN_LAYERSOURCE_HPP

/// \file Sdnn_LayerSource.hpp
/// LayerSource: where the layers of a network come from, one at a time (files, the RadiX-Net generator), so that
/// an inference never needs all of them in memory (see infer_streamed()).

#include <Sdnn_BinaryCache.hpp>
#include <Sdnn_CscMatrix.hpp>
#include <Sdnn_Generator.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sdnn
{

/// The layers W_1..W_L of a network (each N × N), handed out one at a time.
class LayerSource
{
public:
  virtual ~LayerSource() = default;
  /// N.
  virtual std::int64_t num_neurons() const = 0;
  /// L.
  virtual int num_layers() const = 0;
  /// Layer k (1-based), checked to be N × N. \throws sdnn::InputError naming the file (or the source) for a missing,
  /// bad or wrong-sized layer; std::logic_error for k outside 1..L
  HostCsc layer(int k) const;
  /// Hint that layer k will be asked for soon (files: the system starts reading it ahead). Does nothing by default.
  virtual void prefetch(int /*k*/) const {}
  /// What the layers are, for reports ("files in DIR", "radixnet seed S").
  virtual std::string description() const = 0;

protected:
  /// Reads or makes layer k, 1 <= k <= L (layer() checks k and the size of what comes back).
  virtual HostCsc load(int k) const = 0;
};

/// Layers already in memory (shallow copies of their Views: nothing is copied).
class LayersInMemory : public LayerSource
{
public:
  /// \param layers W_1..W_L, each N × N
  /// \param num_neurons N when `layers` is empty (else N is layer 1's)
  explicit LayersInMemory(std::vector<HostCsc> layers, std::int64_t num_neurons = 0);
  std::int64_t num_neurons() const override { return m_num_neurons; }
  int num_layers() const override { return static_cast<int>(m_layers.size()); }
  std::string description() const override;

protected:
  HostCsc load(int k) const override;

private:
  std::vector<HostCsc> m_layers;
  std::int64_t m_num_neurons;
};

/// Layers read from files (the challenge's TSV, MatrixMarket or sdnn binary), text through the binary cache.
class LayerFiles : public LayerSource
{
public:
  /// \param paths the files of layers 1..L (e.g. ChallengePaths::layers)
  /// \param num_neurons N (every file must hold an N × N matrix)
  /// \param options binary cache use, as in read_matrix()
  LayerFiles(std::vector<std::string> paths, std::int64_t num_neurons, ReadOptions options = {});
  std::int64_t num_neurons() const override { return m_num_neurons; }
  int num_layers() const override { return static_cast<int>(m_paths.size()); }
  /// Asks the system to read layer k's file (or its binary cache) ahead (posix_fadvise WILLNEED).
  void prefetch(int k) const override;
  std::string description() const override;
  /// Layers read so far from a valid binary cache (ReadInfo::from_cache).
  std::int64_t cache_hits() const { return m_cache_hits; }
  /// Text layers read so far whose binary cache was written (ReadInfo::cache_written).
  std::int64_t cache_writes() const { return m_cache_writes; }

protected:
  HostCsc load(int k) const override;

private:
  std::vector<std::string> m_paths;
  std::int64_t m_num_neurons;
  ReadOptions m_options;
  mutable std::int64_t m_cache_hits = 0;
  mutable std::int64_t m_cache_writes = 0;
};

/// The RadiX-Net layers of the generator, made when asked for: bit for bit the layers `sdnn generate` writes for the
/// same N and seed, without files.
class RadixNetLayers : public LayerSource
{
public:
  /// \param num_neurons N = 16 · 2^D
  /// \param num_layers L
  /// \param seed the generator's seed
  /// \throws sdnn::InputError for an N the generator cannot make or L < 0
  RadixNetLayers(std::int64_t num_neurons, int num_layers, std::uint64_t seed);
  std::int64_t num_neurons() const override { return m_net.num_neurons(); }
  int num_layers() const override { return m_num_layers; }
  std::string description() const override;

protected:
  HostCsc load(int k) const override;

private:
  RadixNet m_net;
  int m_num_layers;
  std::uint64_t m_seed;
};

} // namespace sdnn

#endif
