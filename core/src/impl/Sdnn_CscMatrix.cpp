#include <Sdnn_CscMatrix.hpp>

#include "Sdnn_HostCscStorage.hpp"

#include <algorithm>
#include <numeric>

namespace sdnn
{

impl::HostCscStorage impl::allocate_host_csc(std::int64_t num_cols, std::int64_t nnz)
{
  return {
      HostCsc::offsets_view(Kokkos::view_alloc(Kokkos::WithoutInitializing, "Sdnn::CscMatrix::col_ptr"), num_cols + 1),
      HostCsc::indices_view(Kokkos::view_alloc(Kokkos::WithoutInitializing, "Sdnn::CscMatrix::row_idx"), nnz),
      HostCsc::values_view(Kokkos::view_alloc(Kokkos::WithoutInitializing, "Sdnn::CscMatrix::values"), nnz)};
}

HostCsc csc_from_triplets(std::int32_t num_rows, std::int32_t num_cols, Triplets const &triplets,
                          DuplicateEntry *duplicate)
{
  SDNN_REQUIRE(triplets.rows.size() == triplets.cols.size() && triplets.rows.size() == triplets.values.size(),
               "triplet arrays differ in length");
  auto const nnz = static_cast<std::int64_t>(triplets.size());
  auto const [col_ptr, row_idx, values] = impl::allocate_host_csc(num_cols, nnz);

  // Counting sort by column (stable, so rows keep their input order within a column).
  std::vector<std::int64_t> next(num_cols + 1, 0);
  for (std::int64_t k = 0; k < nnz; ++k)
  {
    auto const r = triplets.rows[k], c = triplets.cols[k];
    SDNN_REQUIRE(r >= 0 && r < num_rows && c >= 0 && c < num_cols,
                 "entry (" << r << ", " << c << ") outside " << num_rows << " x " << num_cols);
    ++next[c + 1];
  }
  std::partial_sum(next.begin(), next.end(), next.begin());
  for (std::int32_t c = 0; c <= num_cols; ++c)
    col_ptr(c) = next[c];
  for (std::int64_t k = 0; k < nnz; ++k)
  {
    auto const pos = next[triplets.cols[k]]++;
    row_idx(pos) = triplets.rows[k];
    values(pos) = triplets.values[k];
  }

  // Sort rows within each column where the input was not already sorted (challenge files are).
  std::vector<std::pair<std::int32_t, float>> scratch;
  DuplicateEntry first_duplicate;
  for (std::int32_t c = 0; c < num_cols; ++c)
  {
    auto const begin = col_ptr(c), end = col_ptr(c + 1);
    bool sorted = true;
    for (auto k = begin + 1; k < end && sorted; ++k)
      sorted = row_idx(k - 1) < row_idx(k);
    if (!sorted)
    {
      scratch.clear();
      for (auto k = begin; k < end; ++k)
        scratch.emplace_back(row_idx(k), values(k));
      std::stable_sort(scratch.begin(), scratch.end(), [](auto const &a, auto const &b) { return a.first < b.first; });
      for (auto k = begin; k < end; ++k)
        std::tie(row_idx(k), values(k)) = scratch[k - begin];
      for (auto k = begin + 1; k < end && !first_duplicate; ++k)
        if (row_idx(k - 1) == row_idx(k))
          first_duplicate = {row_idx(k), c};
    }
  }
  if (first_duplicate)
  {
    if (duplicate == nullptr)
      throw InputError("duplicate entry (row " + std::to_string(first_duplicate.row + 1) + ", column " +
                       std::to_string(first_duplicate.col + 1) + ")");
    *duplicate = first_duplicate;
  }
  return HostCsc(num_rows, num_cols, col_ptr, row_idx, values);
}

HostCsr to_csr(HostCsc const &matrix)
{
  HostCsr csr;
  csr.num_rows = matrix.num_rows();
  csr.num_cols = matrix.num_cols();
  auto const nnz = matrix.nnz();
  csr.row_ptr.assign(csr.num_rows + 1, 0);
  csr.col_idx.resize(nnz);
  csr.values.resize(nnz);
  for (std::int64_t k = 0; k < nnz; ++k)
    ++csr.row_ptr[matrix.row_idx()(k) + 1];
  std::partial_sum(csr.row_ptr.begin(), csr.row_ptr.end(), csr.row_ptr.begin());
  std::vector<std::int64_t> next(csr.row_ptr.begin(), csr.row_ptr.end() - 1);
  // Visiting columns in ascending order leaves every row's columns ascending.
  for (std::int32_t c = 0; c < matrix.num_cols(); ++c)
    for (auto k = matrix.col_ptr()(c); k < matrix.col_ptr()(c + 1); ++k)
    {
      auto const pos = next[matrix.row_idx()(k)]++;
      csr.col_idx[pos] = c;
      csr.values[pos] = matrix.values()(k);
    }
  return csr;
}

HostCsc to_csc(HostCsr const &csr)
{
  auto const nnz = static_cast<std::int64_t>(csr.col_idx.size());
  auto const [col_ptr, row_idx, values] = impl::allocate_host_csc(csr.num_cols, nnz);
  Kokkos::deep_copy(col_ptr, 0); // counts are accumulated below
  for (std::int64_t k = 0; k < nnz; ++k)
    ++col_ptr(csr.col_idx[k] + 1);
  for (std::int64_t c = 0; c < csr.num_cols; ++c)
    col_ptr(c + 1) += col_ptr(c);
  std::vector<std::int64_t> next(csr.num_cols);
  for (std::int64_t c = 0; c < csr.num_cols; ++c)
    next[c] = col_ptr(c);
  for (std::int64_t r = 0; r < csr.num_rows; ++r)
    for (auto k = csr.row_ptr[r]; k < csr.row_ptr[r + 1]; ++k)
    {
      auto const pos = next[csr.col_idx[k]]++;
      row_idx(pos) = static_cast<std::int32_t>(r);
      values(pos) = csr.values[k];
    }
  return HostCsc(static_cast<std::int32_t>(csr.num_rows), static_cast<std::int32_t>(csr.num_cols), col_ptr, row_idx,
                 values);
}

HostCsc with_num_rows(HostCsc const &matrix, std::int32_t num_rows)
{
  SDNN_REQUIRE(num_rows >= 0, "negative row count " << num_rows);
  std::int64_t kept = 0;
  for (std::int64_t k = 0; k < matrix.nnz(); ++k)
    kept += matrix.row_idx()(k) < num_rows ? 1 : 0;
  auto const [col_ptr, row_idx, values] = impl::allocate_host_csc(matrix.num_cols(), kept);
  std::int64_t pos = 0;
  col_ptr(0) = 0;
  for (std::int32_t c = 0; c < matrix.num_cols(); ++c)
  {
    for (auto k = matrix.col_ptr()(c); k < matrix.col_ptr()(c + 1); ++k)
      if (matrix.row_idx()(k) < num_rows)
      {
        row_idx(pos) = matrix.row_idx()(k);
        values(pos++) = matrix.values()(k);
      }
    col_ptr(c + 1) = pos;
  }
  return HostCsc(num_rows, matrix.num_cols(), col_ptr, row_idx, values);
}

HostCsc with_rows_in_order(HostCsc const &matrix, std::vector<std::int64_t> const &order)
{
  auto const csr = to_csr(matrix);
  SDNN_REQUIRE(static_cast<std::int64_t>(order.size()) == csr.num_rows,
               order.size() << " rows in the order of a matrix of " << csr.num_rows);
  std::vector<char> taken(csr.num_rows, 0);
  HostCsr permuted{csr.num_rows, csr.num_cols, {0}, {}, {}};
  permuted.col_idx.reserve(csr.col_idx.size());
  permuted.values.reserve(csr.values.size());
  for (auto const r : order)
  {
    SDNN_REQUIRE(r >= 0 && r < csr.num_rows && !taken[r],
                 "the order is not a permutation of the rows (row " << r << ")");
    taken[r] = 1;
    permuted.col_idx.insert(permuted.col_idx.end(), csr.col_idx.begin() + csr.row_ptr[r],
                            csr.col_idx.begin() + csr.row_ptr[r + 1]);
    permuted.values.insert(permuted.values.end(), csr.values.begin() + csr.row_ptr[r],
                           csr.values.begin() + csr.row_ptr[r + 1]);
    permuted.row_ptr.push_back(static_cast<std::int64_t>(permuted.col_idx.size()));
  }
  return to_csc(permuted);
}

} // namespace sdnn
