// libFuzzer target: the MatrixMarket reader on arbitrary bytes.
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
  auto const path = sdnn::fuzz::as_file(data, size, ".mtx");
  try
  {
    sdnn::read_matrix_market(path, sdnn::any_size, sdnn::any_size);
  }
  catch (sdnn::InputError const &)
  {
  }
  return 0;
}
