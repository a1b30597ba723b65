// libFuzzer target: the IDX image and label readers (MNIST, Fashion-MNIST; gzip or not) on arbitrary bytes.
#include "Sdnn_FuzzInput.hpp"

#include <Sdnn_Error.hpp>
#include <Sdnn_Idx.hpp>

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
  sdnn::fuzz::initialize();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const *data, std::size_t size)
{
  auto const path = sdnn::fuzz::as_file(data, size, ".idx");
  try
  {
    sdnn::read_idx_images(path, 64);
  }
  catch (sdnn::InputError const &)
  {
  }
  try
  {
    sdnn::read_idx_labels(path, 64);
  }
  catch (sdnn::InputError const &)
  {
  }
  return 0;
}
