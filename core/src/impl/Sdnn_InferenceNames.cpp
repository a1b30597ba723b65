#include <Sdnn_Inference.hpp>

#include "Sdnn_NameTable.hpp"

namespace sdnn
{

namespace
{
constexpr impl::Names<Parallelism> parallelism_names[] = {{Parallelism::data, "data"},
                                                          {Parallelism::model, "model"},
                                                          {Parallelism::manager_worker, "manager-worker"},
                                                          {Parallelism::work_stealing, "work-stealing"},
                                                          {Parallelism::data_then_model, "data-then-model"}};
constexpr impl::Names<Recruitment> recruitment_names[] = {{Recruitment::earliest_first, "earliest-first"},
                                                          {Recruitment::slower_first, "slower-first"},
                                                          {Recruitment::faster_first, "faster-first"}};
constexpr impl::Names<KernelChoice> kernel_names[] = {
    {KernelChoice::automatic, "auto"}, {KernelChoice::sparse, "sparse"}, {KernelChoice::dense, "dense"}};
} // namespace

std::string name(Parallelism parallelism)
{
  return impl::name_of(parallelism_names, parallelism);
}

std::string name(Recruitment recruitment)
{
  return impl::name_of(recruitment_names, recruitment);
}

std::string name(KernelChoice kernel)
{
  return impl::name_of(kernel_names, kernel);
}

std::optional<Parallelism> parse_parallelism(std::string const &text)
{
  return impl::parse_name(parallelism_names, text);
}

std::optional<Recruitment> parse_recruitment(std::string const &text)
{
  return impl::parse_name(recruitment_names, text);
}

std::optional<KernelChoice> parse_kernel_choice(std::string const &text)
{
  return impl::parse_name(kernel_names, text);
}

std::vector<Parallelism> all_parallelisms()
{
  return impl::values_of(parallelism_names);
}

std::vector<Recruitment> all_recruitments()
{
  return impl::values_of(recruitment_names);
}

std::vector<KernelChoice> all_kernel_choices()
{
  return impl::values_of(kernel_names);
}

} // namespace sdnn
