#include "tstHelpers.hpp"

#include <cstdlib>

namespace sdnn::test
{

std::string real_data_dir()
{
  std::filesystem::path const tarball =
      std::filesystem::path(SDNN_SHARED_DATA_DIR) / "graphchallenge-n1024" / "graphchallenge-n1024.tar.xz";
  if (!std::filesystem::exists(tarball))
    return "";
  // Extracted once per build tree; a per-process directory renamed into place keeps parallel ctest safe.
  auto const target = std::filesystem::path(SDNN_TEST_TMP_DIR) / "graphchallenge-n1024";
  if (std::filesystem::exists(target / "neuron1024-l120-categories.tsv"))
    return target.string();
  auto const staging = std::filesystem::path(SDNN_TEST_TMP_DIR) / ("extract." + std::to_string(::getpid()));
  std::filesystem::create_directories(staging);
  auto const command = "tar -xJf '" + tarball.string() + "' -C '" + staging.string() + "'";
  if (std::system(command.c_str()) != 0)
    throw std::runtime_error("cannot extract " + tarball.string());
  std::error_code ec;
  std::filesystem::rename(staging, target, ec); // fails harmlessly if another process won the race
  std::filesystem::remove_all(staging);
  return target.string();
}

} // namespace sdnn::test
