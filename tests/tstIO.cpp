// Unit tests of the Graph Challenge and MatrixMarket readers and writers: good input, round trips,
// and one test per kind of bad input checking the `path:line: what (expected)` message.
#include "tstHelpers.hpp"

#include <sys/resource.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using sdnn::any_size;
using sdnn::HostCsc;
using sdnn::test::expect_input_error;
using sdnn::test::expect_same;
using sdnn::test::make_matrix;
using sdnn::test::TempDir;
using sdnn::test::to_dense;

namespace
{

std::string slurp(std::string const &path)
{
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// `path:line:` as the readers print it.
std::string at(std::string const &path, int line)
{
  return path + ":" + std::to_string(line) + ":";
}

/// The 3 x 3 matrix most good-input tests describe:
///   [ 0.5  0    0     ]
///   [ 0    0   -1.25  ]
///   [ 0    0.2  0     ]
std::vector<float> small_dense()
{
  return {0.5f, 0, 0, 0, 0, -1.25f, 0, 0.2f, 0};
}

} // namespace

// ---------------------------------------------------------------------------------------------
// TSV: good input

TEST(IO, TsvWithTabs)
{
  TempDir dir;
  auto const path = dir.write("w.tsv", "1\t1\t0.5\n2\t3\t-1.25\n3\t2\t0.2\n");
  auto const m = sdnn::read_tsv_matrix(path, 3, 3);
  EXPECT_EQ(m.num_rows(), 3);
  EXPECT_EQ(m.num_cols(), 3);
  EXPECT_EQ(m.nnz(), 3);
  EXPECT_EQ(to_dense(m), small_dense());
}

TEST(IO, TsvWithSpacesAndMixedWhitespace)
{
  TempDir dir;
  auto const path = dir.write("w.tsv", "1 1 0.5\n  2 \t3\t\t-1.25  \n3    2 \t 2e-1\t\n");
  auto const m = sdnn::read_tsv_matrix(path, 3, 3);
  EXPECT_EQ(m.nnz(), 3);
  EXPECT_EQ(to_dense(m), small_dense());
}

TEST(IO, TsvWithCrlfLineEndings)
{
  TempDir dir;
  auto const path = dir.write("w.tsv", "1\t1\t0.5\r\n2\t3\t-1.25\r\n3\t2\t0.2\r\n");
  auto const m = sdnn::read_tsv_matrix(path, 3, 3);
  EXPECT_EQ(m.nnz(), 3);
  EXPECT_EQ(to_dense(m), small_dense());
}

TEST(IO, TsvLinesInAnyOrder)
{
  TempDir dir;
  auto const sorted = dir.write("sorted.tsv", "1\t1\t1\n3\t1\t2\n2\t2\t3\n1\t3\t4\n2\t3\t5\n3\t3\t6\n");
  auto const shuffled = dir.write("shuffled.tsv", "3\t3\t6\n2\t2\t3\n1\t3\t4\n3\t1\t2\n2\t3\t5\n1\t1\t1\n");
  auto const a = sdnn::read_tsv_matrix(sorted, 3, 3);
  auto const b = sdnn::read_tsv_matrix(shuffled, 3, 3);
  EXPECT_EQ(to_dense(b), (std::vector<float>{1, 0, 4, 0, 3, 5, 2, 0, 6}));
  expect_same(a, b);
  // Rows strictly ascending within every column.
  for (std::int32_t c = 0; c < b.num_cols(); ++c)
    for (auto k = b.col_ptr()(c) + 1; k < b.col_ptr()(c + 1); ++k)
      EXPECT_LT(b.row_idx()(k - 1), b.row_idx()(k));
}

TEST(IO, TsvBlankLines)
{
  TempDir dir;
  auto const path = dir.write("w.tsv", "\n1\t1\t0.5\n\n   \n\t\n2\t3\t-1.25\n\r\n3\t2\t0.2\n\n");
  auto const m = sdnn::read_tsv_matrix(path, 3, 3);
  EXPECT_EQ(m.nnz(), 3);
  EXPECT_EQ(to_dense(m), small_dense());
}

TEST(IO, TsvAnySizeTakesLargestRowIndex)
{
  TempDir dir;
  auto const path = dir.write("images.tsv", "2\t1\t1\n7\t3\t1\n4\t2\t1\n");
  auto const m = sdnn::read_tsv_matrix(path, any_size, 3);
  EXPECT_EQ(m.num_rows(), 7);
  EXPECT_EQ(m.num_cols(), 3);
  EXPECT_EQ(m.nnz(), 3);
  EXPECT_EQ(m.row_idx()(m.col_ptr()(2)), 6);
  // An explicit row count larger than the data keeps the empty rows.
  EXPECT_EQ(sdnn::read_tsv_matrix(path, 10, 3).num_rows(), 10);
}

TEST(IO, TsvReadsExactValues)
{
  TempDir dir;
  auto const path = dir.write("w.tsv", "1\t1\t6.250000e-02\n1\t2\t-3.000000e-01\n2\t2\t1\n");
  auto const m = sdnn::read_tsv_matrix(path, 2, 2);
  EXPECT_EQ(to_dense(m), (std::vector<float>{0.0625f, -0.3f, 0, 1}));
}

// ---------------------------------------------------------------------------------------------
// MatrixMarket and categories: good input

TEST(IO, MatrixMarketRealWithComments)
{
  TempDir dir;
  auto const path = dir.write("m.mtx", "%%MatrixMarket matrix coordinate real general\n"
                                       "% a comment\n"
                                       "%another one\n"
                                       "\n"
                                       "3 3 3\n"
                                       "2 3 -1.25\n"
                                       "1 1 0.5\n"
                                       "3 2 2e-1\n");
  auto const m = sdnn::read_matrix_market(path, 3, 3);
  EXPECT_EQ(m.nnz(), 3);
  EXPECT_EQ(to_dense(m), small_dense());
  // any_size takes the size line.
  auto const any = sdnn::read_matrix_market(path, any_size, any_size);
  EXPECT_EQ(any.num_rows(), 3);
  EXPECT_EQ(any.num_cols(), 3);
}

TEST(IO, MatrixMarketSizeLineGivesEmptyRowsAndColumns)
{
  TempDir dir;
  auto const path = dir.write("m.mtx", "%%MatrixMarket matrix coordinate real general\n5 4 1\n2 3 7\n");
  auto const m = sdnn::read_matrix_market(path, any_size, any_size);
  EXPECT_EQ(m.num_rows(), 5);
  EXPECT_EQ(m.num_cols(), 4);
  EXPECT_EQ(m.nnz(), 1);
  EXPECT_EQ(to_dense(m)[1 * 4 + 2], 7.0f);
}

TEST(IO, MatrixMarketInteger)
{
  TempDir dir;
  auto const path = dir.write("m.mtx", "%%MatrixMarket matrix coordinate integer general\n"
                                       "% counts\n"
                                       "2 2 2\n"
                                       "1 2 3\n"
                                       "2 1 -4\n");
  auto const m = sdnn::read_matrix_market(path, 2, 2);
  EXPECT_EQ(to_dense(m), (std::vector<float>{0, 3, -4, 0}));
}

TEST(IO, MatrixMarketPattern)
{
  TempDir dir;
  auto const path = dir.write("m.mtx", "%%MatrixMarket matrix coordinate pattern general\n"
                                       "% structure only\n"
                                       "2 3 3\n"
                                       "1 3\n"
                                       "2 1\n"
                                       "1 1\n");
  auto const m = sdnn::read_matrix_market(path, 2, 3);
  EXPECT_EQ(m.nnz(), 3);
  EXPECT_EQ(to_dense(m), (std::vector<float>{1, 0, 1, 1, 0, 0}));
}

TEST(IO, CategoriesUnsortedComeBackAscendingZeroBased)
{
  TempDir dir;
  auto const path = dir.write("cat.tsv", "17\n3\n\n42\r\n1\n");
  EXPECT_EQ(sdnn::read_categories(path), (std::vector<std::int64_t>{0, 2, 16, 41}));
}

TEST(IO, CategoriesEmptyFileGivesEmptyList)
{
  TempDir dir;
  auto const path = dir.write("cat.tsv", "");
  EXPECT_TRUE(sdnn::read_categories(path).empty());
}

// ---------------------------------------------------------------------------------------------
// The challenge's file names

TEST(IO, ChallengeLayerPathsTakeTheFormatThatExistsForEachLayer)
{
  TempDir dir;
  dir.write("n16-l1.tsv", "");
  dir.write("n16-l2.mtx", "");
  dir.write("n16-l3.sdnn", "");
  dir.write("n16-l4.mtx", "");
  dir.write("n16-l4.tsv", ""); // .tsv first
  auto const paths = sdnn::challenge_layer_paths(dir.path().string(), 16, 5);
  ASSERT_EQ(paths.size(), 5u);
  std::vector<std::string> const expected{dir.file("n16-l1.tsv"), dir.file("n16-l2.mtx"), dir.file("n16-l3.sdnn"),
                                          dir.file("n16-l4.tsv"), dir.file("n16-l5.tsv")}; // l5 absent: .tsv
  EXPECT_EQ(paths, expected);
  for (int k = 1; k <= 5; ++k)
    EXPECT_EQ(paths[k - 1], sdnn::challenge_layer_path(dir.path().string(), 16, k)) << "layer " << k;
}

TEST(IO, ChallengeLayerPathsOfAMissingDirectoryAreTheTsvNames)
{
  TempDir dir;
  auto const missing = dir.file("absent");
  auto const paths = sdnn::challenge_layer_paths(missing, 1024, 2);
  EXPECT_EQ(paths, (std::vector<std::string>{dir.file("absent/n1024-l1.tsv"), dir.file("absent/n1024-l2.tsv")}));
}

// ---------------------------------------------------------------------------------------------
// Writers: exact text and round trips through the readers

TEST(IO, WriteChallengeLayerExactFormat)
{
  TempDir dir;
  auto const path = dir.file("layer.tsv");
  sdnn::write_challenge_layer(path, make_matrix(1, 1, {0}, {0}, {0.0625f}));
  EXPECT_EQ(slurp(path), "1\t1\t6.250000e-02\n");
}

TEST(IO, WriteChallengeLayerRoundTripSortedByColumnThenRow)
{
  TempDir dir;
  auto const layer = make_matrix(4, 4, {3, 0, 2, 1, 0}, {0, 0, 3, 1, 3}, {0.0625f, -0.3f, 1.5f, 2.0f, -0.0625f});
  auto const path = dir.file("layer.tsv");
  sdnn::write_challenge_layer(path, layer);
  EXPECT_EQ(slurp(path), "1\t1\t-3.000000e-01\n"
                         "4\t1\t6.250000e-02\n"
                         "2\t2\t2.000000e+00\n"
                         "1\t4\t-6.250000e-02\n"
                         "3\t4\t1.500000e+00\n");
  expect_same(sdnn::read_tsv_matrix(path, 4, 4), layer);
}

TEST(IO, WriteChallengeImagesRoundTripSortedByRowThenColumn)
{
  TempDir dir;
  auto const images = make_matrix(3, 4, {1, 0, 0, 2, 1}, {0, 3, 0, 1, 2}, {1.0f, 1.0f, 0.5f, 1.0f, 0.25f});
  auto const path = dir.file("images.tsv");
  sdnn::write_challenge_images(path, images);
  EXPECT_EQ(slurp(path), "1\t1\t0.5\n"
                         "1\t4\t1\n"
                         "2\t1\t1\n"
                         "2\t3\t0.25\n"
                         "3\t2\t1\n");
  expect_same(sdnn::read_tsv_matrix(path, any_size, 4), images);
}

TEST(IO, WriteCategoriesRoundTrip)
{
  TempDir dir;
  std::vector<std::int64_t> const categories{0, 4, 9, 1023};
  auto const path = dir.file("cat.tsv");
  sdnn::write_categories(path, categories);
  EXPECT_EQ(slurp(path), "1\n5\n10\n1024\n");
  EXPECT_EQ(sdnn::read_categories(path), categories);

  sdnn::write_categories(path, {});
  EXPECT_EQ(slurp(path), "");
  EXPECT_TRUE(sdnn::read_categories(path).empty());
}

TEST(IO, WriteMatrixMarketRoundTrip)
{
  TempDir dir;
  // Values that need all nine significant digits to survive as floats.
  auto const m = make_matrix(3, 5, {2, 0, 1, 0}, {4, 1, 1, 0}, {0.1f, 1.0f / 3.0f, -2.5e-7f, 16777215.0f});
  auto const path = dir.file("m.mtx");
  sdnn::write_matrix_market(path, m);
  auto const text = slurp(path);
  EXPECT_EQ(text.rfind("%%MatrixMarket matrix coordinate real general\n3 5 4\n", 0), 0u) << text;
  expect_same(sdnn::read_matrix_market(path, 3, 5), m);
  expect_same(sdnn::read_matrix_market(path, any_size, any_size), m);
}

// ---------------------------------------------------------------------------------------------
// TSV: bad input, one message each

TEST(IOErrors, AFullDiskLeavesNoPartialFileUnderTheFinalName)
{
  // A file-size limit makes the writes fail as a full disk would (SIGXFSZ ignored: write() gives EFBIG).
  sdnn::test::TempDir const dir;
  auto const layer = sdnn::RadixNet(1024, 1).layer(1);
  auto const old_file = dir.write("old.tsv", "1\t1\t1\n");
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto const saved_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = saved;
  small.rlim_cur = 4096;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  auto const new_tsv = dir.file("new.tsv"), new_bin = dir.file("new.sdnn");
  sdnn::test::expect_input_error([&] { sdnn::write_challenge_layer(new_tsv, layer); }, {"new.tsv"});
  sdnn::test::expect_input_error([&] { sdnn::write_binary_matrix(new_bin, layer); }, {"new.sdnn"});
  sdnn::test::expect_input_error([&] { sdnn::write_challenge_layer(old_file, layer); }, {"old.tsv"});
  setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, saved_handler);
  std::vector<std::string> left;
  for (auto const &entry : std::filesystem::directory_iterator(dir.path()))
    left.push_back(entry.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"old.tsv"}) << "no partial or temporary file";
  std::ifstream in(old_file);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "1\t1\t1\n") << "the old file is kept whole";
}

TEST(IOErrors, MissingFile)
{
  TempDir dir;
  auto const path = dir.file("does-not-exist.tsv");
  expect_input_error([&] { sdnn::read_tsv_matrix(path, 4, 4); }, {path, "cannot open"});
  expect_input_error([&] { sdnn::read_matrix_market(path, 4, 4); }, {path, "cannot open"});
  expect_input_error([&] { sdnn::read_categories(path); }, {path, "cannot open"});
}

TEST(IOErrors, TsvRowIndexFarBeyondTheOthersIsATypo)
{
  // Issue 17, item 4: an image file whose last row index was a typo (1e8) gave 1e8 inputs, 95 s, 1.9 GB and PASSED.
  TempDir dir;
  auto const path = dir.write("images.tsv", "1\t1\t1\n2\t3\t1\n100000000\t2\t1\n3\t1\t1\n");
  expect_input_error([&] { sdnn::read_tsv_matrix(path, sdnn::any_size, 4); },
                     {at(path, 3), "row index 100000000 is far beyond every other row (the next largest is 3)"});
  // With the number of rows given, a row within it is fine; gaps of empty rows up to max(1024, rows) too.
  EXPECT_EQ(sdnn::read_tsv_matrix(path, 100000000, 4).num_rows(), 100000000);
  EXPECT_EQ(sdnn::read_tsv_matrix(dir.write("gap.tsv", "1\t1\t1\n1026\t1\t1\n"), sdnn::any_size, 4).num_rows(), 1026);
  EXPECT_EQ(sdnn::read_tsv_matrix(dir.write("one.tsv", "5000\t1\t1\n"), sdnn::any_size, 4).num_rows(), 5000);
  auto const far = dir.write("far.tsv", "1\t1\t1\n1027\t1\t1\n");
  expect_input_error([&] { sdnn::read_tsv_matrix(far, sdnn::any_size, 4); }, {at(far, 2), "1025 rows between"});
}

TEST(IOErrors, GarbageFieldIsQuotedShortAndPrintable)
{
  // Issue 17, item 5: a 10 MB garbage field was echoed whole, control bytes included, into the error.
  TempDir dir;
  std::string garbage(1 << 20, 'z');
  for (std::size_t i = 0; i < garbage.size(); i += 7)
    garbage[i] = static_cast<char>(1 + i % 8); // control bytes 1..8 (not blanks: one field)
  garbage[0] = '\x1b';
  auto const path = dir.write("w.tsv", "1\t1\t1\n2\t" + garbage + "\t1\n");
  try
  {
    sdnn::read_tsv_matrix(path, 4, 4);
    ADD_FAILURE() << "expected sdnn::InputError";
  }
  catch (sdnn::InputError const &e)
  {
    std::string const message = e.what();
    EXPECT_LT(message.size(), path.size() + 200) << message.substr(0, 300);
    EXPECT_NE(message.find(at(path, 2)), std::string::npos) << message;
    EXPECT_NE(message.find("\\x1b"), std::string::npos) << message;
    EXPECT_NE(message.find("... (1048576 bytes)"), std::string::npos) << message;
    for (char c : message)
      EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "byte " << int(c) << " in " << message;
  }
}

TEST(IOErrors, CategoryBeyondTheInputsNamesItsLine)
{
  // Issue 17, item 5: a truth row beyond the inputs named the file but not the line.
  TempDir dir;
  auto const path = dir.write("truth.tsv", "2\n5\n9\n1\n");
  EXPECT_EQ(sdnn::read_categories(path, 9), (std::vector<std::int64_t>{0, 1, 4, 8}));
  expect_input_error([&] { sdnn::read_categories(path, 5); }, {at(path, 3), "row index 9", "1..5"});
}

TEST(IOErrors, MatrixMarketSizeLineAnnouncingMoreEntriesThanTheFileHolds)
{
  // Issue 17, item 5: a size line announcing 1e15 entries gave 'std::bad_alloc' without file or line.
  TempDir dir;
  auto const path = dir.write("w.mtx", "%%MatrixMarket matrix coordinate real general\n4 4 1000000000000000\n1 1 1\n");
  expect_input_error([&] { sdnn::read_matrix_market(path, 4, 4); }, {at(path, 2), "1000000000000000 entries"});
}

TEST(IOErrors, TwoFields)
{
  TempDir dir;
  auto const path = dir.write("w.tsv", "1\t1\t1\n1\t2\n2\t2\t1\n");
  expect_input_error([&] { sdnn::read_tsv_matrix(path, 4, 4); }, {at(path, 2), "expected 3 fields", "found 2"});
}

TEST(IOErrors, FourFields)
{
  TempDir dir;
  auto const path = dir.write("w.tsv", "1\t1\t1\n1\t2\t1\n2\t2\t1\t7\n");
  expect_input_error([&] { sdnn::read_tsv_matrix(path, 4, 4); }, {at(path, 3), "expected 3 fields", "found 4"});
}

TEST(IOErrors, NonNumericRow)
{
  TempDir dir;
  auto const path = dir.write("w.tsv", "1\t1\t1\nx\t2\t1\n");
  expect_input_error([&] { sdnn::read_tsv_matrix(path, 4, 4); }, {at(path, 2), "row", "'x'", "integer"});
}

TEST(IOErrors, NonNumericColumn)
{
  TempDir dir;
  auto const path = dir.write("w.tsv", "1\t1\t1\n2\t2\t1\n3\t2.5\t1\n");
  expect_input_error([&] { sdnn::read_tsv_matrix(path, 4, 4); }, {at(path, 3), "column", "'2.5'", "integer"});
}

TEST(IOErrors, NonNumericValue)
{
  TempDir dir;
  auto const path = dir.write("w.tsv", "1\t1\tabc\n");
  expect_input_error([&] { sdnn::read_tsv_matrix(path, 4, 4); }, {at(path, 1), "value", "'abc'", "number"});
  auto const nan = dir.write("nan.tsv", "1\t1\t1\n1\t2\tnan\n");
  expect_input_error([&] { sdnn::read_tsv_matrix(nan, 4, 4); }, {at(nan, 2), "value", "finite"});
  // Finite as a double, infinite as a float: refused, not read as inf.
  auto const huge = dir.write("huge.tsv", "1\t1\t1\n2\t2\t-1e39\n");
  expect_input_error([&] { sdnn::read_tsv_matrix(huge, 4, 4); }, {at(huge, 2), "'-1e39'", "out of float range"});
  auto const mtx = dir.write("huge.mtx", "%%MatrixMarket matrix coordinate real general\n4 4 1\n1 1 1e39\n");
  expect_input_error([&] { sdnn::read_matrix_market(mtx, 4, 4); }, {at(mtx, 3), "out of float range"});
}

TEST(IOErrors, IndexZero)
{
  TempDir dir;
  auto const row = dir.write("row.tsv", "1\t1\t1\n0\t1\t1\n");
  expect_input_error([&] { sdnn::read_tsv_matrix(row, 4, 4); }, {at(row, 2), "row index 0", "out of range", "1..4"});
  auto const col = dir.write("col.tsv", "1\t0\t1\n");
  expect_input_error([&] { sdnn::read_tsv_matrix(col, 4, 4); }, {at(col, 1), "column index 0", "out of range"});
  // Also when the row count is taken from the data.
  expect_input_error([&] { sdnn::read_tsv_matrix(row, any_size, 4); }, {at(row, 2), "row index 0", "out of range"});
}

TEST(IOErrors, RowIndexBeyondN)
{
  TempDir dir;
  auto const path = dir.write("w.tsv", "1\t1\t1\n4\t4\t1\n5\t1\t1\n");
  expect_input_error([&] { sdnn::read_tsv_matrix(path, 4, 4); }, {at(path, 3), "row index 5", "out of range", "1..4"});
}

TEST(IOErrors, ColumnIndexBeyondN)
{
  TempDir dir;
  auto const path = dir.write("w.tsv", "1\t1\t1\n2\t5\t1\n");
  expect_input_error([&] { sdnn::read_tsv_matrix(path, 4, 4); },
                     {at(path, 2), "column index 5", "out of range", "1..4"});
  // The column count is never taken from the data.
  expect_input_error([&] { sdnn::read_tsv_matrix(path, any_size, 4); }, {at(path, 2), "column index 5"});
}

TEST(IOErrors, TruncatedFile)
{
  TempDir dir;
  // The last line cut inside its fields: fewer than three, and no newline.
  auto const path = dir.write("w.tsv", "1\t1\t1\n1\t2");
  expect_input_error([&] { sdnn::read_tsv_matrix(path, 4, 4); }, {at(path, 2), "truncated", "newline", "2 of 3"});
  auto const mid = dir.write("mid.tsv", "1\t1\t1\n1\t");
  expect_input_error([&] { sdnn::read_tsv_matrix(mid, 4, 4); }, {at(mid, 2), "truncated", "1 of 3"});
}

TEST(IO, ACompleteLastLineWithoutNewlineIsRead)
{
  TempDir dir;
  auto const path = dir.write("w.tsv", "1\t1\t1\n1\t2\t6.25"); // what many tools write
  auto const m = sdnn::read_tsv_matrix(path, 4, 4);
  ASSERT_EQ(m.nnz(), 2);
  EXPECT_EQ(m.values()(1), 6.25f);
  EXPECT_EQ(m.row_idx()(1), 0);
  auto const categories = dir.write("cat.tsv", "1\n2\n3");
  EXPECT_EQ(sdnn::read_categories(categories), (std::vector<std::int64_t>{0, 1, 2}));
  auto const mtx = dir.write("m.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 1\n2 1 0.5");
  EXPECT_EQ(sdnn::read_matrix_market(mtx, 2, 2).nnz(), 1);
}

TEST(IOErrors, DuplicateEntry)
{
  TempDir dir;
  auto const path = dir.write("w.tsv", "2\t2\t2\n1\t3\t1\n3\t3\t3\n\n1\t3\t5\n4\t1\t1\n");
  expect_input_error([&] { sdnn::read_tsv_matrix(path, 4, 4); },
                     {at(path, 5), "duplicate", "row 1, column 3", "line 2"});
}

TEST(IOErrors, LineNumbersCountBlankAndCrlfLines)
{
  TempDir dir;
  auto const path = dir.write("w.tsv", "\r\n1\t1\t1\r\n\r\n  \r\n2\t2\tx\r\n");
  expect_input_error([&] { sdnn::read_tsv_matrix(path, 4, 4); }, {at(path, 5), "value", "'x'"});
}

// ---------------------------------------------------------------------------------------------
// MatrixMarket: bad input

TEST(IOErrors, MatrixMarketMissingHeader)
{
  TempDir dir;
  auto const path = dir.write("m.mtx", "2 2 1\n1 1 1\n");
  expect_input_error([&] { sdnn::read_matrix_market(path, 2, 2); }, {at(path, 1), "header", "%%MatrixMarket"});
  auto const empty = dir.write("empty.mtx", "");
  expect_input_error([&] { sdnn::read_matrix_market(empty, 2, 2); }, {at(empty, 1), "empty", "%%MatrixMarket"});
}

TEST(IOErrors, MatrixMarketArrayFormat)
{
  TempDir dir;
  auto const path = dir.write("m.mtx", "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n");
  expect_input_error([&] { sdnn::read_matrix_market(path, 2, 2); }, {at(path, 1), "coordinate"});
}

TEST(IOErrors, MatrixMarketSymmetric)
{
  TempDir dir;
  auto const path = dir.write("m.mtx", "%%MatrixMarket matrix coordinate real symmetric\n2 2 1\n2 1 1\n");
  expect_input_error([&] { sdnn::read_matrix_market(path, 2, 2); }, {at(path, 1), "general", "symmetric"});
}

TEST(IOErrors, MatrixMarketUnsupportedFieldType)
{
  TempDir dir;
  auto const path = dir.write("m.mtx", "%%MatrixMarket matrix coordinate complex general\n2 2 1\n2 1 1 0\n");
  expect_input_error([&] { sdnn::read_matrix_market(path, 2, 2); }, {at(path, 1), "complex", "real"});
}

TEST(IOErrors, MatrixMarketSizeDisagreesWithN)
{
  // A layer whose dimensions disagree with N.
  TempDir dir;
  auto const path = dir.write("m.mtx", "%%MatrixMarket matrix coordinate real general\n% c\n3 3 1\n1 1 1\n");
  expect_input_error([&] { sdnn::read_matrix_market(path, 4, 4); }, {at(path, 3), "3 x 3", "expected 4 x 4"});
  // With only the column count fixed, a column mismatch is still reported.
  expect_input_error([&] { sdnn::read_matrix_market(path, any_size, 5); }, {at(path, 3), "expected any x 5"});
}

TEST(IOErrors, MatrixMarketFewerEntriesThanAnnounced)
{
  TempDir dir;
  auto const path = dir.write("m.mtx", "%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 1\n2 2 2\n");
  // Reported at the end of the file: the last line read.
  expect_input_error([&] { sdnn::read_matrix_market(path, 3, 3); },
                     {at(path, 4), "truncated", "found 2", "announces 3"});
  auto const no_size = dir.write("nosize.mtx", "%%MatrixMarket matrix coordinate real general\n% only a comment\n");
  expect_input_error([&] { sdnn::read_matrix_market(no_size, 3, 3); }, {at(no_size, 3), "truncated", "size line"});
}

TEST(IOErrors, MatrixMarketMoreEntriesThanAnnounced)
{
  TempDir dir;
  auto const path = dir.write("m.mtx", "%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1\n2 2 2\n3 3 3\n");
  expect_input_error([&] { sdnn::read_matrix_market(path, 3, 3); }, {at(path, 5), "more entries", "2"});
}

TEST(IOErrors, MatrixMarketIndexBeyondSize)
{
  TempDir dir;
  auto const path = dir.write("m.mtx", "%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1\n2 4 2\n");
  expect_input_error([&] { sdnn::read_matrix_market(path, 3, 3); }, {at(path, 4), "column index 4", "1..3"});
}

TEST(IOErrors, MatrixMarketDuplicateEntry)
{
  TempDir dir;
  auto const path = dir.write("m.mtx", "%%MatrixMarket matrix coordinate real general\n"
                                       "3 3 3\n"
                                       "2 2 1\n"
                                       "1 1 1\n"
                                       "2 2 5\n");
  expect_input_error([&] { sdnn::read_matrix_market(path, 3, 3); },
                     {at(path, 5), "duplicate", "row 2, column 2", "line 3"});
}

TEST(IOErrors, MatrixMarketDuplicateEntryAfterCommentLine)
{
  // The reader accepts comment lines among the entries; the duplicate report must still name the
  // lines of both entries rather than choke on the comment.
  TempDir dir;
  auto const path = dir.write("m.mtx", "%%MatrixMarket matrix coordinate real general\n"
                                       "3 3 3\n"
                                       "2 2 1\n"
                                       "% a comment between entries\n"
                                       "1 1 1\n"
                                       "2 2 5\n");
  expect_input_error([&] { sdnn::read_matrix_market(path, 3, 3); },
                     {at(path, 6), "duplicate", "row 2, column 2", "line 3"});
}

// ---------------------------------------------------------------------------------------------
// Categories: bad input

TEST(IOErrors, CategoriesNonNumeric)
{
  TempDir dir;
  auto const path = dir.write("cat.tsv", "3\nabc\n");
  expect_input_error([&] { sdnn::read_categories(path); }, {at(path, 2), "'abc'", "integer"});
}

TEST(IOErrors, CategoriesZero)
{
  TempDir dir;
  auto const path = dir.write("cat.tsv", "1\n2\n0\n");
  expect_input_error([&] { sdnn::read_categories(path); }, {at(path, 3), "row index 0", "out of range"});
}

TEST(IOErrors, CategoriesDuplicateRow)
{
  TempDir dir;
  auto const path = dir.write("cat.tsv", "5\n2\n9\n2\n");
  expect_input_error([&] { sdnn::read_categories(path); }, {at(path, 4), "duplicate", "2", "line 2"});
}

TEST(IOErrors, CategoriesTwoFields)
{
  TempDir dir;
  auto const path = dir.write("cat.tsv", "1\n2 3\n");
  expect_input_error([&] { sdnn::read_categories(path); }, {at(path, 2), "expected 1 fields", "found 2"});
}

TEST(IOErrors, MatrixMarketLastEntryCut)
{
  TempDir dir;
  auto const path = dir.write("m.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 1\n2 1");
  expect_input_error([&] { sdnn::read_matrix_market(path, 2, 2); }, {at(path, 3), "truncated", "2 of 3"});
}
