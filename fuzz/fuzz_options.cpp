// libFuzzer target: the driver's option parsing. The bytes are split at newlines into arguments of `sdnn infer`,
// `sdnn partition` or `sdnn train` (the first byte chooses), followed by arguments naming files that do not exist,
// so that a run that parses cleanly stops at its first read; usage errors and input errors are the expected
// answers, anything else is a finding. (`generate`, which writes files, is left out.)
#include "Sdnn_FuzzInput.hpp"

#include <Sdnn_Cli.hpp>
#include <Sdnn_Commands.hpp>
#include <Sdnn_Error.hpp>

#include <string>
#include <vector>

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
  sdnn::fuzz::initialize();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const *data, std::size_t size)
{
  if (size == 0)
    return 0;
  static char const *const commands[] = {"infer", "partition", "train"};
  std::string const command = commands[data[0] % 3];
  std::vector<std::string> args{"sdnn", command};
  std::string token;
  for (std::size_t i = 1; i < size && args.size() < 24; ++i)
  {
    if (data[i] == '\n')
    {
      args.push_back(token);
      token.clear();
    }
    else if (token.size() < 256)
      token += static_cast<char>(data[i]);
  }
  if (!token.empty())
    args.push_back(token);
  for (char const *missing : {"--dataset", "--weights-dir", "--images", "--train-images", "--network"})
  {
    if ((command == "train") != (std::string(missing) == "--train-images" || std::string(missing) == "--network"))
      continue;
    args.push_back(missing);
    args.push_back("/nonexistent-sdnn-fuzz");
  }
  std::vector<char *> argv;
  for (auto &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  int const argc = static_cast<int>(args.size());
  try
  {
    if (command == "infer")
      sdnn::cli::run_infer(argc, argv.data(), 2);
    else if (command == "partition")
      sdnn::cli::run_partition(argc, argv.data(), 2);
    else
      sdnn::cli::run_train(argc, argv.data(), 2);
  }
  catch (sdnn::cli::UsageError const &)
  {
  }
  catch (sdnn::InputError const &)
  {
  }
  return 0;
}
