// `sdnn list WHAT`: the names the options accept, one per line, for scripts that loop over them.
#include "Sdnn_Cli.hpp"
#include "Sdnn_Commands.hpp"

#include <Sdnn.hpp>

#include <cstdio>
#include <functional>
#include <map>

namespace sdnn::cli
{

int run_list(int argc, char **argv, int first)
{
  std::map<std::string, std::function<std::string()>> const lists = {
      {"modes", [] { return joined_names(all_parallelisms(), "\n"); }},
      {"recruitments", [] { return joined_names(all_recruitments(), "\n"); }},
      {"kernels", [] { return joined_names(all_kernel_choices(), "\n"); }},
      {"hashes", [] { return joined_names(all_row_hashes(), "\n"); }},
      {"partitions", [] { return joined_names(all_row_partitions(), "\n"); }},
      {"partitioners", [] { return joined_names(all_network_partitioners(), "\n"); }},
      {"instruction-sets", [] { return joined_names(compiled_instruction_sets(), "\n"); }},
  };
  std::string whats;
  for (auto const &[what, list] : lists)
    whats += (whats.empty() ? "" : ", ") + what;
  Options opts("sdnn list", "sdnn list WHAT\n\n"
                            "Prints the names an option accepts, one per line (WHAT: " +
                                whats +
                                ").\n"
                                "modes are those of 'sdnn infer --mode' besides reference; instruction-sets are those\n"
                                "compiled into this build (the CPU may run fewer).");
  if (!opts.parse(argc, argv, first + (first < argc && argv[first][0] != '-' ? 1 : 0)))
    return 0;
  if (first >= argc || argv[first][0] == '-')
    throw UsageError("sdnn list: what to list? (" + whats + ")");
  auto const found = lists.find(argv[first]);
  if (found == lists.end())
    throw UsageError("sdnn list: unknown list '" + std::string(argv[first]) + "' (available: " + whats + ")");
  std::printf("%s\n", found->second().c_str());
  return 0;
}

} // namespace sdnn::cli
