#ifndef SDNN_INFERREPORT_HPP
#define SDNN_INFERREPORT_HPP

// The lines (and report members) that every `sdnn infer` path prints: the run's header, the engine's work.

#include "Sdnn_Cli.hpp"

#include <Sdnn.hpp>

#include <cstdio>
#include <string>
#include <type_traits>
#include <vector>

namespace sdnn::cli
{

/// `values` printed with the printf `format`, separated by spaces.
template <class T> std::string join(std::vector<T> const &values, char const *format)
{
  std::string out;
  for (T v : values)
  {
    char item[32];
    std::snprintf(item, sizeof item, format, static_cast<std::conditional_t<std::is_integral_v<T>, long long, T>>(v));
    out += (out.empty() ? "" : " ") + std::string(item);
  }
  return out;
}

/// Prints the first lines of a run (versions and backend, `dataset`, `kernels`) and sets the same figures in `report`.
void print_header(int ranks, std::string const &mode, DatasetOptions const &dataset, std::int64_t num_inputs,
                  std::int64_t input_nnz, std::int64_t edges, float bias, Json &report);

/// Prints the engine's lines (`parallel`, the mode's own, `busy`, the dense kernel's rates) and sets `report`'s
/// "engine" and "work"; with `several_ranks` the figures are said to be rank 0's.
void print_engine_work(InferenceOptions const &engine, WorkReport const &work, bool several_ranks, Json &report);

} // namespace sdnn::cli

#endif
