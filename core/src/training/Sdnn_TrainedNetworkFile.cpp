#include "../impl/Sdnn_LineReader.hpp"
#include <Sdnn_BinaryCache.hpp>
#include <Sdnn_Error.hpp>
#include <Sdnn_IO.hpp>
#include <Sdnn_TrainedNetworkFile.hpp>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <unistd.h>

namespace sdnn
{

namespace
{

namespace fs = std::filesystem;

std::string layer_file(std::string const &dir, char const *stem, int layer, char const *extension)
{
  char name[64];
  std::snprintf(name, sizeof name, "%s-l%03d.%s", stem, layer, extension);
  return (fs::path(dir) / name).string();
}

std::string float_lines(float const *values, std::size_t count)
{
  std::string text;
  text.reserve(count * 14);
  char line[32];
  for (std::size_t i = 0; i < count; ++i)
  {
    int const n = std::snprintf(line, sizeof line, "%.9g\n", static_cast<double>(values[i]));
    text.append(line, static_cast<std::size_t>(n));
  }
  return text;
}

std::vector<float> read_float_lines(std::string const &path, std::int64_t count, char const *what)
{
  std::string const text = read_file(path);
  impl::LineReader reader(path, text);
  std::vector<float> values;
  values.reserve(static_cast<std::size_t>(count));
  while (reader.next())
  {
    reader.require_fields(1, what);
    if (static_cast<std::int64_t>(values.size()) == count)
      reader.fail("more than the " + std::to_string(count) + " values of the layer");
    values.push_back(reader.real(0, what));
  }
  SDNN_USER_REQUIRE(static_cast<std::int64_t>(values.size()) == count,
                    path << ": " << values.size() << " values, expected " << count << " (one per neuron)");
  return values;
}

void rename_or_fail(fs::path const &from, fs::path const &to)
{
  std::error_code error;
  fs::rename(from, to, error);
  SDNN_USER_REQUIRE(!error, to.string() << ": cannot move " << from.string() << " there: " << error.message());
}

} // namespace

void save_trained_network(std::string const &dir, TrainableNetwork const &network, TrainingState const *state,
                          int epochs, std::map<std::string, std::string> const &extra,
                          std::map<std::string, std::string> const &files)
{
  check_network_shapes(network);
  fs::path const target = fs::path(dir).lexically_normal();
  fs::path const partial = target.string() + ".partial-" + std::to_string(::getpid());
  std::error_code error;
  fs::remove_all(partial, error);
  fs::create_directories(partial, error);
  SDNN_USER_REQUIRE(!error, partial.string() << ": cannot create the directory: " << error.message());
  try
  {
    std::ostringstream meta;
    meta << "format sdnn-trained-network 1\n"
         << "layers " << network.num_layers() << "\n"
         << "widths " << network.num_features();
    for (auto const &w : network.weights)
      meta << " " << w.num_cols();
    char clamp[32];
    std::snprintf(clamp, sizeof clamp, "%.9g", static_cast<double>(network.clamp));
    meta << "\nhidden_activation relu\nclamp " << clamp << "\noutput softmax\nepochs " << epochs << "\ncheckpoint "
         << (state != nullptr ? "yes" : "no") << "\n";
    for (auto const &[key, value] : extra)
    {
      SDNN_REQUIRE(!key.empty() && key.find_first_of(" \t\n") == std::string::npos &&
                       value.find('\n') == std::string::npos,
                   "bad metadata '" << key << "'");
      meta << key << " " << value << "\n";
    }
    for (int l = 1; l <= network.num_layers(); ++l)
    {
      auto const &w = network.weights[l - 1];
      write_binary_matrix(layer_file(partial.string(), "weights", l, "sdnn"), w);
      auto const &b = network.biases[l - 1];
      write_file(layer_file(partial.string(), "bias", l, "txt"), float_lines(b.data(), b.size()));
      if (state != nullptr)
      {
        SDNN_REQUIRE(state->weight_velocity.size() == network.weights.size(), "state of another network");
        auto const &v = state->weight_velocity[l - 1];
        SDNN_REQUIRE(static_cast<std::int64_t>(v.size()) == w.nnz(), "state of another network");
        HostCsc::values_view values("Sdnn::momentum", v.size());
        std::copy(v.begin(), v.end(), values.data());
        write_binary_matrix(layer_file(partial.string(), "momentum", l, "sdnn"),
                            HostCsc(w.num_rows(), w.num_cols(), w.col_ptr(), w.row_idx(), values));
        auto const &bv = state->bias_velocity[l - 1];
        write_file(layer_file(partial.string(), "bias-momentum", l, "txt"), float_lines(bv.data(), bv.size()));
      }
    }
    for (auto const &[name, contents] : files)
    {
      SDNN_REQUIRE(fs::path(name).filename() == name && name != trained_network_metadata, "bad file name " << name);
      write_file((partial / name).string(), contents);
    }
    // The metadata last: a directory without it is not a network.
    write_file((partial / trained_network_metadata).string(), meta.str());
    fs::path const previous = target.string() + ".previous-" + std::to_string(::getpid());
    bool const existed = fs::exists(target);
    if (existed)
    {
      SDNN_USER_REQUIRE(fs::is_directory(target) &&
                            (fs::is_empty(target) || fs::exists(target / trained_network_metadata)),
                        target.string() << ": exists and is not a trained network; not replacing it");
      rename_or_fail(target, previous);
    }
    rename_or_fail(partial, target);
    if (existed)
      fs::remove_all(previous, error);
  }
  catch (...)
  {
    fs::remove_all(partial, error);
    throw;
  }
}

TrainedNetworkFile load_trained_network(std::string const &dir, bool with_state)
{
  TrainedNetworkFile file;
  std::string const meta_path = (fs::path(dir) / trained_network_metadata).string();
  SDNN_USER_REQUIRE(fs::exists(meta_path), dir << ": not a trained network (no " << trained_network_metadata << ")");
  std::string const text = read_file(meta_path);
  impl::LineReader reader(meta_path, text);
  std::vector<std::int64_t> widths;
  int layers = -1;
  while (reader.next())
  {
    if (reader.num_fields() == 0 || reader.field(0).front() == '#')
      continue;
    std::string const key(reader.field(0));
    auto const line = reader.line_text();
    auto const value_at = line.find_first_not_of(" \t", line.find(reader.field(0)) + key.size());
    std::string value(value_at == std::string_view::npos ? std::string_view() : line.substr(value_at));
    while (!value.empty() && (value.back() == '\r' || value.back() == ' ' || value.back() == '\t'))
      value.pop_back();
    if (key == "format")
    {
      if (value != "sdnn-trained-network 1")
        reader.fail("format " + impl::LineReader::quoted(value) + " is not 'sdnn-trained-network 1'");
    }
    else if (key == "layers")
    {
      reader.require_fields(2, "layers L");
      layers = static_cast<int>(reader.integer_in(1, "layers", 1, 100000));
    }
    else if (key == "widths")
    {
      if (reader.num_fields() < 3)
        reader.fail("expected the widths of at least two layers");
      // Every field (the reader keeps only the first few of a long line).
      std::istringstream in(value);
      std::string token;
      while (in >> token)
      {
        std::int64_t w = 0;
        auto const [end, ec] = std::from_chars(token.data(), token.data() + token.size(), w);
        if (ec != std::errc() || end != token.data() + token.size() || w < 1 || w > (std::int64_t(1) << 30))
          reader.fail("width " + impl::LineReader::quoted(token) + " is not an integer in 1..2^30");
        widths.push_back(w);
      }
    }
    else if (key == "clamp")
    {
      reader.require_fields(2, "clamp VALUE");
      file.network.clamp = reader.real(1, "clamp");
    }
    else if (key == "epochs")
    {
      reader.require_fields(2, "epochs E");
      file.epochs = static_cast<int>(reader.integer_in(1, "epochs", 0, 1000000000));
    }
    else if (key == "hidden_activation" && value != "relu")
      reader.fail("hidden activation " + impl::LineReader::quoted(value) + " is not relu");
    else if (key == "output" && value != "softmax")
      reader.fail("output " + impl::LineReader::quoted(value) + " is not softmax");
    file.metadata[key] = value;
  }
  SDNN_USER_REQUIRE(file.metadata.count("format"), meta_path << ": no 'format' line");
  SDNN_USER_REQUIRE(layers >= 1, meta_path << ": no 'layers' line");
  SDNN_USER_REQUIRE(static_cast<int>(widths.size()) == layers + 1, meta_path << ": " << widths.size() << " widths for "
                                                                             << layers << " layers (expected "
                                                                             << layers + 1 << ")");
  bool const has_state = with_state && file.metadata["checkpoint"] == "yes";
  for (int l = 1; l <= layers; ++l)
  {
    file.network.weights.push_back(read_binary_matrix(layer_file(dir, "weights", l, "sdnn"), widths[l - 1], widths[l]));
    file.network.biases.push_back(read_float_lines(layer_file(dir, "bias", l, "txt"), widths[l], "bias"));
    if (has_state)
    {
      auto const path = layer_file(dir, "momentum", l, "sdnn");
      HostCsc const momentum = read_binary_matrix(path, widths[l - 1], widths[l]);
      auto const &w = file.network.weights.back();
      bool same = momentum.nnz() == w.nnz();
      for (std::int64_t k = 0; same && k < w.nnz(); ++k)
        same = momentum.row_idx()(k) == w.row_idx()(k);
      for (std::int32_t j = 0; same && j <= w.num_cols(); ++j)
        same = momentum.col_ptr()(j) == w.col_ptr()(j);
      SDNN_USER_REQUIRE(same, path << ": the momentum's nonzeros are not those of the layer's weights");
      file.state.weight_velocity.emplace_back(momentum.values().data(), momentum.values().data() + momentum.nnz());
      file.state.bias_velocity.push_back(
          read_float_lines(layer_file(dir, "bias-momentum", l, "txt"), widths[l], "bias momentum"));
    }
  }
  check_network_shapes(file.network, dir);
  return file;
}

} // namespace sdnn
