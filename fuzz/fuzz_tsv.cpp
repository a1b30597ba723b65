// libFuzzer target: the challenge's TSV reader (weights, images) and the categories reader on arbitrary bytes.
#include "Sdnn_FuzzInput.hpp"

#include <Sdnn_Error.hpp>
#include <Sdnn_IO.hpp>

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
  sdnn::fuzz::initialize();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const *data, std::size_t size)
{
  auto const path = sdnn::fuzz::as_file(data, size, ".tsv");
  try
  {
    sdnn::read_tsv_matrix(path, sdnn::any_size, 64);
  }
  catch (sdnn::InputError const &)
  {
  }
  try
  {
    sdnn::read_categories(path, 1000);
  }
  catch (sdnn::InputError const &)
  {
  }
  return 0;
}
