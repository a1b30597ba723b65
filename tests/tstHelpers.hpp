#ifndef SDNN_TST_HELPERS_HPP
#define SDNN_TST_HELPERS_HPP

#include <Sdnn.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace sdnn::test
{

/// A fresh directory per test under the build tree, removed at the end of the test.
class TempDir
{
public:
  TempDir()
  {
    auto const *info = ::testing::UnitTest::GetInstance()->current_test_info();
    m_path = std::filesystem::path(SDNN_TEST_TMP_DIR) /
             (std::string(info->test_suite_name()) + "." + info->name() + "." + std::to_string(::getpid()));
    std::filesystem::remove_all(m_path);
    std::filesystem::create_directories(m_path);
  }
  ~TempDir() { std::filesystem::remove_all(m_path); }
  std::string file(std::string const &name) const { return (m_path / name).string(); }
  /// Writes `content` verbatim to `name` and returns its path.
  std::string write(std::string const &name, std::string const &content) const
  {
    std::ofstream(file(name), std::ios::binary) << content;
    return file(name);
  }
  std::filesystem::path const &path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

/// Runs `f` and checks it throws sdnn::InputError whose message contains every one of `fragments`.
template <class F> void expect_input_error(F &&f, std::initializer_list<std::string> fragments)
{
  try
  {
    f();
    ADD_FAILURE() << "expected sdnn::InputError";
  }
  catch (InputError const &e)
  {
    std::string const message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << "multi-line message: " << message;
    for (auto const &fragment : fragments)
      EXPECT_NE(message.find(fragment), std::string::npos) << "message '" << message << "' lacks '" << fragment << "'";
  }
}

/// `count` samples of `features` values in [0, 1) with labels drawn uniformly, from a fixed LCG.
inline ClassificationData random_data(std::int64_t count, std::int64_t features, int classes, std::uint32_t seed)
{
  ClassificationData data;
  data.count = count;
  data.num_features = features;
  data.num_classes = classes;
  std::uint32_t state = seed;
  auto next = [&]
  {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  for (std::int64_t i = 0; i < count * features; ++i)
    data.features.push_back(static_cast<float>(next() % 1000) / 1000.0f);
  for (std::int64_t s = 0; s < count; ++s)
    data.labels.push_back(static_cast<std::int32_t>(next() % classes));
  return data;
}

/// The shape of a small random fan-in network for the training tests.
inline NetworkShape network_shape(std::int64_t features, std::vector<std::int64_t> hidden, std::int64_t classes,
                                  std::int64_t fan_in, std::uint64_t seed = 1)
{
  NetworkShape shape;
  shape.features = features;
  shape.hidden = std::move(hidden);
  shape.classes = classes;
  shape.fan_in = fan_in;
  shape.seed = seed;
  return shape;
}

/// A host CSC matrix from 0-based triplets.
inline HostCsc make_matrix(std::int32_t rows, std::int32_t cols, std::vector<std::int32_t> r,
                           std::vector<std::int32_t> c, std::vector<float> v)
{
  Triplets t;
  t.rows = std::move(r);
  t.cols = std::move(c);
  t.values = std::move(v);
  return csc_from_triplets(rows, cols, t);
}

/// Checks two host CSC matrices are identical: dimensions, structure and values bit for bit.
inline void expect_same(HostCsc const &a, HostCsc const &b)
{
  ASSERT_EQ(a.num_rows(), b.num_rows());
  ASSERT_EQ(a.num_cols(), b.num_cols());
  ASSERT_EQ(a.nnz(), b.nnz());
  ASSERT_EQ(a.col_ptr().extent(0), b.col_ptr().extent(0));
  for (std::size_t c = 0; c < a.col_ptr().extent(0); ++c)
    EXPECT_EQ(a.col_ptr()(c), b.col_ptr()(c)) << "col_ptr(" << c << ")";
  for (std::int64_t k = 0; k < a.nnz(); ++k)
  {
    EXPECT_EQ(a.row_idx()(k), b.row_idx()(k)) << "row_idx(" << k << ")";
    EXPECT_EQ(a.values()(k), b.values()(k)) << "values(" << k << ")";
  }
}

/// Dense host copy of a CSC matrix (row-major), for small comparisons.
inline std::vector<float> to_dense(HostCsc const &m)
{
  std::vector<float> dense(static_cast<std::size_t>(m.num_rows()) * m.num_cols(), 0.0f);
  for (std::int32_t c = 0; c < m.num_cols(); ++c)
    for (auto k = m.col_ptr()(c); k < m.col_ptr()(c + 1); ++k)
      dense[static_cast<std::size_t>(m.row_idx()(k)) * m.num_cols() + c] = m.values()(k);
  return dense;
}

/// The real N=1024 challenge data extracted once per test run into the build tree, or "" when
/// ../shared is absent (tests then skip).
std::string real_data_dir();

} // namespace sdnn::test

#endif
