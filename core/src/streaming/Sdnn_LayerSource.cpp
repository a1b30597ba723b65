#include <Sdnn_Dataset.hpp>
#include <Sdnn_Error.hpp>
#include <Sdnn_LayerSource.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

namespace sdnn
{

HostCsc LayerSource::layer(int k) const
{
  SDNN_REQUIRE(k >= 1 && k <= num_layers(), "layer " << k << " of " << num_layers());
  auto w = load(k);
  std::int64_t const n = num_neurons();
  if (w.num_rows() != n || w.num_cols() != n)
    throw InputError(description() + ": layer " + std::to_string(k) + " is " + std::to_string(w.num_rows()) + " x " +
                     std::to_string(w.num_cols()) + ", not " + std::to_string(n) + " x " + std::to_string(n));
  return w;
}

LayersInMemory::LayersInMemory(std::vector<HostCsc> layers, std::int64_t num_neurons)
    : m_layers(std::move(layers)), m_num_neurons(m_layers.empty() ? num_neurons : m_layers.front().num_rows())
{
}

HostCsc LayersInMemory::load(int k) const
{
  return m_layers[k - 1];
}

std::string LayersInMemory::description() const
{
  return std::to_string(m_layers.size()) + " layers in memory";
}

LayerFiles::LayerFiles(std::vector<std::string> paths, std::int64_t num_neurons, ReadOptions options)
    : m_paths(std::move(paths)), m_num_neurons(num_neurons), m_options(std::move(options))
{
  SDNN_USER_REQUIRE(num_neurons > 0, "the number of neurons must be positive, got " << num_neurons);
}

HostCsc LayerFiles::load(int k) const
{
  ReadInfo info;
  auto matrix = read_matrix(m_paths[k - 1], m_num_neurons, m_num_neurons, m_options, &info);
  m_cache_hits += info.from_cache ? 1 : 0;
  m_cache_writes += info.cache_written ? 1 : 0;
  return matrix;
}

void LayerFiles::prefetch(int k) const
{
  if (k < 1 || k > num_layers())
    return;
  // A text file is read through its cache when one is kept: read ahead the file read_matrix() will open.
  auto path = m_paths[k - 1];
  if (auto const cache = cache_path_for(path, m_num_neurons, m_num_neurons, m_options);
      !cache.empty() && std::filesystem::exists(cache))
    path = cache;
  int const fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0)
    return; // reported by layer(k)
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED);
  ::close(fd);
}

std::string LayerFiles::description() const
{
  if (m_paths.empty())
    return "no layer files";
  return std::to_string(m_paths.size()) + " layer files in " +
         std::filesystem::path(m_paths.front()).parent_path().string();
}

RadixNetLayers::RadixNetLayers(std::int64_t num_neurons, int num_layers, std::uint64_t seed)
    : m_net(num_neurons, seed), m_num_layers(num_layers), m_seed(seed)
{
  SDNN_USER_REQUIRE(num_layers >= 0, "a network has at least 0 layers, got " << num_layers);
}

HostCsc RadixNetLayers::load(int k) const
{
  return m_net.layer(k);
}

std::string RadixNetLayers::description() const
{
  return "RadiX-Net generator, N=" + std::to_string(m_net.num_neurons()) + ", " + std::to_string(m_num_layers) +
         " layers, seed " + std::to_string(m_seed);
}

} // namespace sdnn
