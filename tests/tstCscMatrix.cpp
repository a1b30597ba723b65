// Unit tests of the host CSC matrix: building from triplets, CSR/CSC conversion, row resizing, copies.
#include "tstHelpers.hpp"

#include <vector>

using sdnn::DuplicateEntry;
using sdnn::HostCsc;
using sdnn::Triplets;
using sdnn::test::to_dense;

namespace
{

/// Reads the three arrays of a host CSC matrix into std::vectors for EXPECT_EQ.
struct Arrays
{
  std::vector<std::int64_t> col_ptr;
  std::vector<std::int32_t> row_idx;
  std::vector<float> values;
};

Arrays arrays_of(HostCsc const &m)
{
  Arrays a;
  for (std::size_t k = 0; k < m.col_ptr().extent(0); ++k)
    a.col_ptr.push_back(m.col_ptr()(k));
  for (std::size_t k = 0; k < m.row_idx().extent(0); ++k)
    a.row_idx.push_back(m.row_idx()(k));
  for (std::size_t k = 0; k < m.values().extent(0); ++k)
    a.values.push_back(m.values()(k));
  return a;
}

/// A 4 x 3 matrix given in scrambled order:
///   [ 0  5  0 ]
///   [ 1  0  7 ]
///   [ 0  6  0 ]
///   [ 2  0  8 ]
Triplets scrambled_triplets()
{
  Triplets t;
  t.rows = {3, 2, 1, 0, 3, 1};
  t.cols = {2, 1, 0, 1, 0, 2};
  t.values = {8, 6, 1, 5, 2, 7};
  return t;
}

std::vector<float> scrambled_dense()
{
  return {0, 5, 0, 1, 0, 7, 0, 6, 0, 2, 0, 8};
}

} // namespace

TEST(CscMatrix, FromTripletsSortsByColumnThenRow)
{
  auto const m = sdnn::csc_from_triplets(4, 3, scrambled_triplets());
  EXPECT_EQ(m.num_rows(), 4);
  EXPECT_EQ(m.num_cols(), 3);
  EXPECT_EQ(m.nnz(), 6);
  auto const a = arrays_of(m);
  EXPECT_EQ(a.col_ptr, (std::vector<std::int64_t>{0, 2, 4, 6}));
  EXPECT_EQ(a.row_idx, (std::vector<std::int32_t>{1, 3, 0, 2, 1, 3}));
  EXPECT_EQ(a.values, (std::vector<float>{1, 2, 5, 6, 7, 8}));
  EXPECT_EQ(to_dense(m), scrambled_dense());
}

TEST(CscMatrix, FromTripletsEmptyColumnsAndNoEntries)
{
  Triplets t;
  t.rows = {2};
  t.cols = {3};
  t.values = {-1.5f};
  auto const m = sdnn::csc_from_triplets(3, 5, t);
  auto const a = arrays_of(m);
  EXPECT_EQ(a.col_ptr, (std::vector<std::int64_t>{0, 0, 0, 0, 1, 1}));
  EXPECT_EQ(a.row_idx, (std::vector<std::int32_t>{2}));
  EXPECT_EQ(a.values, (std::vector<float>{-1.5f}));

  auto const empty = sdnn::csc_from_triplets(2, 2, Triplets{});
  EXPECT_EQ(empty.nnz(), 0);
  EXPECT_EQ(arrays_of(empty).col_ptr, (std::vector<std::int64_t>{0, 0, 0}));
}

TEST(CscMatrix, FromTripletsReportsDuplicateThroughOutParameter)
{
  Triplets t = scrambled_triplets();
  // Repeat (row 3, column 0) with another value.
  t.rows.push_back(3);
  t.cols.push_back(0);
  t.values.push_back(9);
  DuplicateEntry duplicate;
  EXPECT_FALSE(duplicate);
  auto const m = sdnn::csc_from_triplets(4, 3, t, &duplicate);
  ASSERT_TRUE(duplicate);
  EXPECT_EQ(duplicate.row, 3);
  EXPECT_EQ(duplicate.col, 0);
  // The matrix is still built, with every entry.
  EXPECT_EQ(m.nnz(), 7);
}

TEST(CscMatrix, FromTripletsDuplicateInSortedColumnIsFound)
{
  // Rows non-decreasing within the column: a duplicate must still be noticed.
  Triplets t;
  t.rows = {0, 1, 1, 2};
  t.cols = {0, 0, 0, 0};
  t.values = {1, 2, 3, 4};
  DuplicateEntry duplicate;
  sdnn::csc_from_triplets(3, 1, t, &duplicate);
  ASSERT_TRUE(duplicate);
  EXPECT_EQ(duplicate.row, 1);
  EXPECT_EQ(duplicate.col, 0);
}

TEST(CscMatrix, FromTripletsNoDuplicateLeavesOutParameterUnset)
{
  DuplicateEntry duplicate;
  sdnn::csc_from_triplets(4, 3, scrambled_triplets(), &duplicate);
  EXPECT_FALSE(duplicate);
  EXPECT_EQ(duplicate.row, -1);
}

TEST(CscMatrix, FromTripletsThrowsOnDuplicateWithoutOutParameter)
{
  Triplets t;
  t.rows = {1, 0, 1};
  t.cols = {2, 2, 2};
  t.values = {1, 2, 3};
  // 1-based in the message: row 2, column 3.
  sdnn::test::expect_input_error([&] { sdnn::csc_from_triplets(2, 3, t); }, {"duplicate", "row 2", "column 3"});
}

TEST(CscMatrix, FromTripletsRejectsIndexOutsideDimensions)
{
  Triplets t;
  t.rows = {2};
  t.cols = {0};
  t.values = {1};
  EXPECT_THROW(sdnn::csc_from_triplets(2, 2, t), std::logic_error);
}

TEST(CscMatrix, CsrRoundTrip)
{
  auto const m = sdnn::csc_from_triplets(4, 3, scrambled_triplets());
  auto const csr = sdnn::to_csr(m);
  EXPECT_EQ(csr.num_rows, 4);
  EXPECT_EQ(csr.num_cols, 3);
  EXPECT_EQ(csr.row_ptr, (std::vector<std::int64_t>{0, 1, 3, 4, 6}));
  EXPECT_EQ(csr.col_idx, (std::vector<std::int32_t>{1, 0, 2, 1, 0, 2}));
  EXPECT_EQ(csr.values, (std::vector<float>{5, 1, 7, 6, 2, 8}));

  auto const back = sdnn::to_csc(csr);
  EXPECT_EQ(back.num_rows(), 4);
  EXPECT_EQ(back.num_cols(), 3);
  auto const a = arrays_of(m), b = arrays_of(back);
  EXPECT_EQ(b.col_ptr, a.col_ptr);
  EXPECT_EQ(b.row_idx, a.row_idx);
  EXPECT_EQ(b.values, a.values);
}

TEST(CscMatrix, CsrRoundTripWithEmptyRowsAndColumns)
{
  Triplets t;
  t.rows = {4, 0};
  t.cols = {0, 3};
  t.values = {1, 2};
  auto const m = sdnn::csc_from_triplets(6, 5, t);
  auto const csr = sdnn::to_csr(m);
  EXPECT_EQ(csr.row_ptr, (std::vector<std::int64_t>{0, 1, 1, 1, 1, 2, 2}));
  auto const back = sdnn::to_csc(csr);
  EXPECT_EQ(back.num_rows(), 6);
  EXPECT_EQ(back.num_cols(), 5);
  EXPECT_EQ(to_dense(back), to_dense(m));
  EXPECT_EQ(arrays_of(back).col_ptr, arrays_of(m).col_ptr);
}

TEST(CscMatrix, WithNumRowsTruncates)
{
  auto const m = sdnn::csc_from_triplets(4, 3, scrambled_triplets());
  auto const t = sdnn::with_num_rows(m, 2);
  EXPECT_EQ(t.num_rows(), 2);
  EXPECT_EQ(t.num_cols(), 3);
  EXPECT_EQ(t.nnz(), 3);
  auto const a = arrays_of(t);
  EXPECT_EQ(a.col_ptr, (std::vector<std::int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(a.row_idx, (std::vector<std::int32_t>{1, 0, 1}));
  EXPECT_EQ(a.values, (std::vector<float>{1, 5, 7}));
  EXPECT_EQ(to_dense(t), (std::vector<float>{0, 5, 0, 1, 0, 7}));

  auto const none = sdnn::with_num_rows(m, 0);
  EXPECT_EQ(none.num_rows(), 0);
  EXPECT_EQ(none.nnz(), 0);
  EXPECT_EQ(arrays_of(none).col_ptr, (std::vector<std::int64_t>{0, 0, 0, 0}));
}

TEST(CscMatrix, WithNumRowsPads)
{
  auto const m = sdnn::csc_from_triplets(4, 3, scrambled_triplets());
  auto const p = sdnn::with_num_rows(m, 6);
  EXPECT_EQ(p.num_rows(), 6);
  EXPECT_EQ(p.num_cols(), 3);
  EXPECT_EQ(p.nnz(), m.nnz());
  auto expected = scrambled_dense();
  expected.resize(6 * 3, 0.0f);
  EXPECT_EQ(to_dense(p), expected);
  auto const a = arrays_of(m), b = arrays_of(p);
  EXPECT_EQ(b.col_ptr, a.col_ptr);
  EXPECT_EQ(b.row_idx, a.row_idx);
  EXPECT_EQ(b.values, a.values);
}

TEST(CscMatrix, WithRowsInOrderPermutesRows)
{
  auto const m = sdnn::csc_from_triplets(4, 3, scrambled_triplets());
  auto const dense = scrambled_dense(); // row-major, 3 columns
  std::vector<std::int64_t> const order{2, 0, 3, 1};
  auto const p = sdnn::with_rows_in_order(m, order);
  EXPECT_EQ(p.num_rows(), 4);
  EXPECT_EQ(p.num_cols(), 3);
  EXPECT_EQ(p.nnz(), m.nnz());
  std::vector<float> expected;
  for (auto r : order)
    expected.insert(expected.end(), dense.begin() + r * 3, dense.begin() + (r + 1) * 3);
  EXPECT_EQ(to_dense(p), expected);
  EXPECT_THROW(sdnn::with_rows_in_order(m, {0, 1, 2}), std::logic_error);
  EXPECT_THROW(sdnn::with_rows_in_order(m, {0, 1, 1, 3}), std::logic_error);
  EXPECT_THROW(sdnn::with_rows_in_order(m, {0, 1, 2, 4}), std::logic_error);
}

TEST(CscMatrix, CreateCopyOnHostEqualsOriginal)
{
  auto const m = sdnn::csc_from_triplets(4, 3, scrambled_triplets());
  auto const copy = sdnn::create_copy<Kokkos::HostSpace>(Kokkos::DefaultHostExecutionSpace(), m);
  static_assert(std::is_same_v<std::decay_t<decltype(copy)>, HostCsc>);
  EXPECT_EQ(copy.num_rows(), m.num_rows());
  EXPECT_EQ(copy.num_cols(), m.num_cols());
  EXPECT_EQ(copy.nnz(), m.nnz());
  // A deep copy: distinct storage, same contents.
  EXPECT_NE(copy.values().data(), m.values().data());
  EXPECT_NE(copy.row_idx().data(), m.row_idx().data());
  EXPECT_NE(copy.col_ptr().data(), m.col_ptr().data());
  auto const a = arrays_of(m), b = arrays_of(copy);
  EXPECT_EQ(b.col_ptr, a.col_ptr);
  EXPECT_EQ(b.row_idx, a.row_idx);
  EXPECT_EQ(b.values, a.values);
  // Changing the original leaves the copy alone.
  m.values()(0) = 42.0f;
  EXPECT_EQ(copy.values()(0), 1.0f);
}
