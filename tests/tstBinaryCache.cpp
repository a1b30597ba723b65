// Unit tests of the binary matrix format (.sdnn) and of read_matrix()'s cache of text inputs.
#include "tstHelpers.hpp"

#include <limits>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using sdnn::any_size;
using sdnn::HostCsc;
using sdnn::ReadInfo;
using sdnn::ReadOptions;
using sdnn::SourceStamp;
using sdnn::test::expect_input_error;
using sdnn::test::expect_same;
using sdnn::test::make_matrix;
using sdnn::test::TempDir;
using sdnn::test::to_dense;

namespace
{

constexpr std::size_t header_bytes = 112;

std::string slurp(std::string const &path)
{
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void spit(std::string const &path, std::string const &data)
{
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

void flip_byte(std::string const &path, std::size_t offset)
{
  auto data = slurp(path);
  ASSERT_LT(offset, data.size());
  data[offset] = static_cast<char>(data[offset] ^ 0x10);
  spit(path, data);
}

/// 5 x 4 with 7 entries (an odd count: the row index and value arrays end off an 8-byte boundary).
HostCsc odd_matrix()
{
  return make_matrix(5, 4, {0, 4, 2, 1, 3, 0, 4}, {0, 0, 1, 2, 2, 3, 3},
                     {0.0625f, -1.5f, 3.25f, 1e-7f, -0.3f, 7.0f, 0.75f});
}

std::size_t files_in(std::string const &dir)
{
  if (!std::filesystem::exists(dir))
    return 0;
  std::size_t n = 0;
  for (auto const &entry : std::filesystem::directory_iterator(dir))
  {
    (void)entry;
    ++n;
  }
  return n;
}

/// Challenge-format text of the 5 x 4 odd_matrix() (what read_matrix parses).
std::string const odd_text = "1\t1\t6.250000e-02\n5\t1\t-1.500000e+00\n3\t2\t3.250000e+00\n2\t3\t1.000000e-07\n"
                             "4\t3\t-3.000000e-01\n1\t4\t7.000000e+00\n5\t4\t7.500000e-01\n";

} // namespace

// ---------------------------------------------------------------------------------------------
// write_binary_matrix / read_binary_matrix

TEST(BinaryMatrix, RoundTripOddNnz)
{
  TempDir dir;
  auto const m = odd_matrix();
  ASSERT_EQ(m.nnz(), 7);
  auto const path = dir.file("m.sdnn");
  sdnn::write_binary_matrix(path, m);
  EXPECT_EQ(std::filesystem::file_size(path), header_bytes + 5 * 8 + 7 * 4 + 7 * 4);
  EXPECT_EQ(files_in(dir.path().string()), 1u) << "temporary file left behind";
  expect_same(sdnn::read_binary_matrix(path, 5, 4), m);
  expect_same(sdnn::read_binary_matrix(path, any_size, any_size), m);
}

TEST(BinaryMatrix, RoundTripEvenNnz)
{
  TempDir dir;
  auto const m = make_matrix(3, 3, {0, 2, 1, 2}, {0, 0, 1, 2}, {1, 2, 3, 4});
  auto const path = dir.file("m.sdnn");
  sdnn::write_binary_matrix(path, m);
  expect_same(sdnn::read_binary_matrix(path, 3, 3), m);
}

TEST(BinaryMatrix, RoundTripEmptyMatrix)
{
  TempDir dir;
  auto const m = sdnn::csc_from_triplets(3, 4, sdnn::Triplets{});
  ASSERT_EQ(m.nnz(), 0);
  auto const path = dir.file("empty.sdnn");
  sdnn::write_binary_matrix(path, m);
  EXPECT_EQ(std::filesystem::file_size(path), header_bytes + 5 * 8);
  auto const back = sdnn::read_binary_matrix(path, 3, 4);
  EXPECT_EQ(back.nnz(), 0);
  expect_same(back, m);
}

TEST(BinaryMatrix, OverwritesExistingFile)
{
  TempDir dir;
  auto const path = dir.file("m.sdnn");
  sdnn::write_binary_matrix(path, odd_matrix());
  auto const small = make_matrix(2, 2, {1}, {0}, {5});
  sdnn::write_binary_matrix(path, small);
  expect_same(sdnn::read_binary_matrix(path, any_size, any_size), small);
}

TEST(BinaryMatrix, SourceStampRoundTrip)
{
  TempDir dir;
  auto const path = dir.file("m.sdnn");
  SourceStamp const stamp{123456789ull, 1700000000123456789ll};
  sdnn::write_binary_matrix(path, odd_matrix(), stamp);
  SourceStamp back;
  sdnn::read_binary_matrix(path, 5, 4, &back);
  EXPECT_EQ(back.size, stamp.size);
  EXPECT_EQ(back.mtime_ns, stamp.mtime_ns);
  EXPECT_TRUE(back == stamp);

  // Without a stamp, the default one is stored.
  sdnn::write_binary_matrix(path, odd_matrix());
  sdnn::read_binary_matrix(path, 5, 4, &back);
  EXPECT_TRUE(back == SourceStamp{});
}

TEST(BinaryMatrix, SourceStampOfFile)
{
  TempDir dir;
  auto const path = dir.write("a.tsv", "1\t1\t1\n");
  auto const stamp = sdnn::source_stamp(path);
  EXPECT_EQ(stamp.size, 6u);
  EXPECT_GT(stamp.mtime_ns, 0);
  auto const missing = dir.file("missing.tsv");
  expect_input_error([&] { sdnn::source_stamp(missing); }, {missing});
}

// ---------------------------------------------------------------------------------------------
// read_binary_matrix: bad files

TEST(BinaryMatrixErrors, ForeignFile)
{
  TempDir dir;
  auto const path = dir.write("m.sdnn", "this is a plain text file, not a matrix at all, honestly\n"
                                        "with a second line to be long enough for a header........\n"
                                        "and a third one to make it clearly longer than 112 bytes.\n");
  expect_input_error([&] { sdnn::read_binary_matrix(path, any_size, any_size); }, {path, "magic"});
  auto const tiny = dir.write("tiny.sdnn", "SDN");
  expect_input_error([&] { sdnn::read_binary_matrix(tiny, any_size, any_size); }, {tiny, "magic"});
  auto const empty = dir.write("empty.sdnn", "");
  expect_input_error([&] { sdnn::read_binary_matrix(empty, any_size, any_size); }, {empty, "magic"});
}

TEST(BinaryMatrixErrors, MissingFile)
{
  TempDir dir;
  auto const path = dir.file("missing.sdnn");
  expect_input_error([&] { sdnn::read_binary_matrix(path, any_size, any_size); }, {path, "cannot open"});
}

TEST(BinaryMatrixErrors, WrongMagic)
{
  TempDir dir;
  auto const path = dir.file("m.sdnn");
  sdnn::write_binary_matrix(path, odd_matrix());
  flip_byte(path, 3);
  expect_input_error([&] { sdnn::read_binary_matrix(path, 5, 4); }, {path, "magic"});
}

TEST(BinaryMatrixErrors, TruncatedPayload)
{
  TempDir dir;
  auto const path = dir.file("m.sdnn");
  sdnn::write_binary_matrix(path, odd_matrix());
  auto const data = slurp(path);
  spit(path, data.substr(0, data.size() - 3));
  expect_input_error([&] { sdnn::read_binary_matrix(path, 5, 4); },
                     {path, "truncated", std::to_string(data.size() - 3), std::to_string(data.size())});
}

TEST(BinaryMatrixErrors, TruncatedHeader)
{
  TempDir dir;
  auto const path = dir.file("m.sdnn");
  sdnn::write_binary_matrix(path, odd_matrix());
  spit(path, slurp(path).substr(0, 40));
  expect_input_error([&] { sdnn::read_binary_matrix(path, 5, 4); }, {path, "truncated", "header"});
}

TEST(BinaryMatrixErrors, TrailingGarbage)
{
  TempDir dir;
  auto const path = dir.file("m.sdnn");
  sdnn::write_binary_matrix(path, odd_matrix());
  spit(path, slurp(path) + "xyz");
  expect_input_error([&] { sdnn::read_binary_matrix(path, 5, 4); }, {path, "bytes"});
}

TEST(BinaryMatrixErrors, FlippedPayloadByte)
{
  TempDir dir;
  auto const path = dir.file("m.sdnn");
  auto const m = odd_matrix();
  // One flipped byte in each payload array in turn: col_ptr, row_idx, and the last (tail) byte of values.
  std::size_t const col_ptr_at = header_bytes + 8 * 2;
  std::size_t const row_idx_at = header_bytes + 5 * 8 + 4 * 3 + 1;
  std::size_t const values_last = header_bytes + 5 * 8 + 7 * 4 + 7 * 4 - 1;
  for (auto const offset : {col_ptr_at, row_idx_at, values_last})
  {
    SCOPED_TRACE("offset " + std::to_string(offset));
    sdnn::write_binary_matrix(path, m);
    flip_byte(path, offset);
    expect_input_error([&] { sdnn::read_binary_matrix(path, 5, 4); }, {path, "corrupt", "payload checksum"});
  }
}

TEST(BinaryMatrixErrors, FlippedHeaderByte)
{
  TempDir dir;
  auto const path = dir.file("m.sdnn");
  // num_rows (offset 32), nnz (offset 48), source size (offset 56), source content checksum (offset 72).
  for (std::size_t const offset : {32u, 48u, 56u, 72u})
  {
    SCOPED_TRACE("offset " + std::to_string(offset));
    sdnn::write_binary_matrix(path, odd_matrix());
    flip_byte(path, offset);
    expect_input_error([&] { sdnn::read_binary_matrix(path, any_size, any_size); },
                       {path, "corrupt", "header checksum"});
  }
}

TEST(BinaryMatrixErrors, NonFiniteValueIsRefused)
{
  // Issue 17, item 3: a binary file with a NaN or an infinity (its checksums right) must not bring it in.
  TempDir dir;
  auto const path = dir.file("m.sdnn");
  for (float const bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()})
  {
    auto m = odd_matrix();
    auto copy = sdnn::create_copy<Kokkos::HostSpace>(Kokkos::DefaultHostExecutionSpace(), m);
    copy.values()(2) = bad;
    sdnn::write_binary_matrix(path, copy);
    expect_input_error([&] { sdnn::read_binary_matrix(path, 5, 4); }, {path, "is not finite"});
  }
}

TEST(BinaryMatrixErrors, DimensionsDisagreeWithN)
{
  TempDir dir;
  auto const path = dir.file("m.sdnn");
  sdnn::write_binary_matrix(path, odd_matrix());
  expect_input_error([&] { sdnn::read_binary_matrix(path, 4, 4); }, {path, "5 x 4", "expected 4 x 4"});
  expect_input_error([&] { sdnn::read_binary_matrix(path, any_size, 5); }, {path, "5 x 4", "expected any x 5"});
}

// ---------------------------------------------------------------------------------------------
// read_matrix and its cache

TEST(ReadMatrixCache, CacheIsWrittenThenUsed)
{
  TempDir dir;
  auto const text = dir.write("layer.tsv", odd_text);
  auto const cache_dir = dir.file("cache");
  ReadOptions const options{true, cache_dir};
  auto const cache = sdnn::cache_path_for(text, 5, 4, cache_dir);
  EXPECT_FALSE(std::filesystem::exists(cache));

  ReadInfo info;
  auto const first = sdnn::read_matrix(text, 5, 4, options, &info);
  EXPECT_TRUE(info.cache_written);
  EXPECT_FALSE(info.from_cache);
  EXPECT_TRUE(info.note.empty()) << info.note;
  EXPECT_TRUE(std::filesystem::exists(cache));
  expect_same(first, odd_matrix());
  // The cache is a valid binary matrix stamped with its source.
  SourceStamp stamp;
  expect_same(sdnn::read_binary_matrix(cache, 5, 4, &stamp), first);
  EXPECT_TRUE(stamp == sdnn::source_stamp(text));

  ReadInfo second_info;
  second_info.note = "left over";
  auto const second = sdnn::read_matrix(text, 5, 4, options, &second_info);
  EXPECT_TRUE(second_info.from_cache);
  EXPECT_FALSE(second_info.cache_written);
  EXPECT_TRUE(second_info.note.empty()) << second_info.note;
  expect_same(second, first);
}

TEST(ReadMatrixCache, CachePathDependsOnFileAndDirectory)
{
  TempDir dir;
  auto const a = dir.write("a.tsv", "1\t1\t1\n");
  std::filesystem::create_directories(dir.file("sub"));
  auto const b = dir.write("sub/a.tsv", "1\t1\t1\n");
  auto const cache_a = sdnn::cache_path_for(a, 5, 4, dir.file("cache"));
  auto const cache_b = sdnn::cache_path_for(b, 5, 4, dir.file("cache"));
  EXPECT_NE(cache_a, cache_b);
  EXPECT_EQ(std::filesystem::path(cache_a).parent_path(), std::filesystem::path(dir.file("cache")));
  EXPECT_EQ(std::filesystem::path(cache_a).extension(), ".sdnn");
  EXPECT_EQ(cache_a, sdnn::cache_path_for(a, 5, 4, dir.file("cache")));
}

TEST(ReadMatrixCache, SameSizeEditWithItsTimeRestoredIsNotServedFromTheCache)
{
  // Issue 17, item 7: a layer edited in place to the same size, its modification time restored, was served from the
  // stale cache (PASSED where --no-cache FAILED). The cache now records a checksum of its source's bytes.
  TempDir dir;
  auto const text = dir.write("layer.tsv", odd_text);
  auto const cache_dir = dir.file("cache");
  ReadOptions const options{true, cache_dir};
  ReadInfo info;
  sdnn::read_matrix(text, 5, 4, options, &info);
  ASSERT_TRUE(info.cache_written);
  auto const time = std::filesystem::last_write_time(text);
  std::string edited = odd_text;
  auto const at = edited.find('1', edited.find('\t', edited.find('\t') + 1)); // a digit of the first value
  ASSERT_NE(at, std::string::npos);
  edited[at] = '3';
  ASSERT_EQ(edited.size(), odd_text.size());
  spit(text, edited);
  std::filesystem::last_write_time(text, time);
  auto const m = sdnn::read_matrix(text, 5, 4, options, &info);
  EXPECT_FALSE(info.from_cache);
  EXPECT_NE(info.note.find("stale"), std::string::npos) << info.note;
  expect_same(m, sdnn::read_matrix(text, 5, 4, ReadOptions{false, cache_dir}));
}

TEST(ReadMatrixCache, StaleCacheIsRebuilt)
{
  TempDir dir;
  auto const text = dir.write("layer.tsv", odd_text);
  auto const cache_dir = dir.file("cache");
  ReadOptions const options{true, cache_dir};
  ReadInfo info;
  sdnn::read_matrix(text, 5, 4, options, &info);
  ASSERT_TRUE(info.cache_written);

  // Different content, different size.
  std::string const new_text = "2\t2\t1.250000e+00\n5\t3\t-2.000000e+00\n";
  ASSERT_NE(new_text.size(), odd_text.size());
  spit(text, new_text);
  auto const m = sdnn::read_matrix(text, 5, 4, options, &info);
  EXPECT_FALSE(info.from_cache);
  EXPECT_TRUE(info.cache_written);
  EXPECT_NE(info.note.find("stale"), std::string::npos) << info.note;
  expect_same(m, make_matrix(5, 4, {1, 4}, {1, 2}, {1.25f, -2.0f}));

  // The rebuilt cache is then used.
  auto const again = sdnn::read_matrix(text, 5, 4, options, &info);
  EXPECT_TRUE(info.from_cache);
  EXPECT_TRUE(info.note.empty()) << info.note;
  expect_same(again, m);
}

TEST(ReadMatrixCache, CorruptCacheIsReplaced)
{
  TempDir dir;
  auto const text = dir.write("layer.tsv", odd_text);
  auto const cache_dir = dir.file("cache");
  ReadOptions const options{true, cache_dir};
  ReadInfo info;
  sdnn::read_matrix(text, 5, 4, options, &info);
  auto const cache = sdnn::cache_path_for(text, 5, 4, cache_dir);
  ASSERT_TRUE(std::filesystem::exists(cache));

  flip_byte(cache, std::filesystem::file_size(cache) - 2);
  auto const m = sdnn::read_matrix(text, 5, 4, options, &info);
  expect_same(m, odd_matrix());
  EXPECT_FALSE(info.from_cache);
  EXPECT_TRUE(info.cache_written);
  EXPECT_NE(info.note.find("checksum"), std::string::npos) << info.note;
  EXPECT_NE(info.note.find(cache), std::string::npos) << info.note;

  // Replaced by a good one.
  sdnn::read_matrix(text, 5, 4, options, &info);
  EXPECT_TRUE(info.from_cache);

  // A cache that is not a matrix at all.
  spit(cache, "garbage");
  auto const again = sdnn::read_matrix(text, 5, 4, options, &info);
  expect_same(again, odd_matrix());
  EXPECT_TRUE(info.cache_written);
  EXPECT_NE(info.note.find("magic"), std::string::npos) << info.note;
}

TEST(ReadMatrixCache, NoCacheWhenDisabled)
{
  TempDir dir;
  auto const text = dir.write("layer.tsv", odd_text);
  auto const cache_dir = dir.file("cache");
  ReadInfo info;
  auto const m = sdnn::read_matrix(text, 5, 4, ReadOptions{false, cache_dir}, &info);
  expect_same(m, odd_matrix());
  EXPECT_FALSE(info.from_cache);
  EXPECT_FALSE(info.cache_written);
  EXPECT_FALSE(std::filesystem::exists(sdnn::cache_path_for(text, 5, 4, cache_dir)));
  EXPECT_EQ(files_in(cache_dir), 0u);
}

TEST(ReadMatrixCache, MatrixMarketGoesThroughCache)
{
  TempDir dir;
  auto const text = dir.write("m.mtx", "%%MatrixMarket matrix coordinate real general\n3 2 2\n3 1 4\n1 2 -1\n");
  auto const cache_dir = dir.file("cache");
  ReadOptions const options{true, cache_dir};
  ReadInfo info;
  auto const first = sdnn::read_matrix(text, any_size, any_size, options, &info);
  EXPECT_TRUE(info.cache_written);
  EXPECT_EQ(to_dense(first), (std::vector<float>{0, -1, 0, 0, 4, 0}));
  auto const second = sdnn::read_matrix(text, any_size, any_size, options, &info);
  EXPECT_TRUE(info.from_cache);
  expect_same(second, first);
  // Bad input still reported through the cache layer.
  expect_input_error([&] { sdnn::read_matrix(text, 4, 4, options); }, {text, "3 x 2"});
}

TEST(ReadMatrixCache, AnySizeRowsAgreeWithAndWithoutCache)
{
  // Images take their row count from the data with any_size: a cache made by a caller that asked for
  // more rows must not change what a later any_size read returns.
  TempDir dir;
  auto const text = dir.write("images.tsv", "1\t1\t1\n3\t2\t1\n");
  auto const cache_dir = dir.file("cache");
  ReadOptions const options{true, cache_dir};
  auto const parsed = sdnn::read_matrix(text, any_size, 4, ReadOptions{false, cache_dir});
  ASSERT_EQ(parsed.num_rows(), 3);

  ReadInfo info;
  EXPECT_EQ(sdnn::read_matrix(text, 10, 4, options, &info).num_rows(), 10);
  EXPECT_EQ(sdnn::read_matrix(text, any_size, 4, options, &info).num_rows(), parsed.num_rows());
  EXPECT_EQ(sdnn::read_matrix(text, 10, 4, options, &info).num_rows(), 10);
}

TEST(ReadMatrixCache, SdnnPathIsReadDirectly)
{
  TempDir dir;
  auto const path = dir.file("layer.sdnn");
  sdnn::write_binary_matrix(path, odd_matrix());
  auto const cache_dir = dir.file("cache");
  ReadInfo info;
  auto const m = sdnn::read_matrix(path, 5, 4, ReadOptions{true, cache_dir}, &info);
  expect_same(m, odd_matrix());
  EXPECT_TRUE(info.from_cache);
  EXPECT_FALSE(info.cache_written);
  EXPECT_EQ(files_in(cache_dir), 0u) << "a binary input must not be cached again";
  expect_same(sdnn::read_matrix(path, 5, 4, ReadOptions{false, cache_dir}), odd_matrix());
}

TEST(ReadMatrixCache, CorruptSdnnPathThrows)
{
  TempDir dir;
  auto const path = dir.file("layer.sdnn");
  sdnn::write_binary_matrix(path, odd_matrix());
  flip_byte(path, header_bytes + 5 * 8 + 2);
  auto const cache_dir = dir.file("cache");
  expect_input_error([&] { sdnn::read_matrix(path, 5, 4, ReadOptions{true, cache_dir}); }, {path, "checksum"});
  expect_input_error([&] { sdnn::read_matrix(path, 5, 4, ReadOptions{false, cache_dir}); }, {path, "checksum"});
  // And a .sdnn of the wrong size.
  sdnn::write_binary_matrix(path, odd_matrix());
  expect_input_error([&] { sdnn::read_matrix(path, 4, 4, ReadOptions{true, cache_dir}); }, {path, "expected 4 x 4"});
}

TEST(ReadMatrixCache, TextErrorsPassThrough)
{
  TempDir dir;
  auto const text = dir.write("layer.tsv", "1\t1\t1\n9\t1\t1\n");
  auto const cache_dir = dir.file("cache");
  expect_input_error(
      [&] {
        sdnn::read_matrix(text, 4, 4, ReadOptions{true, cache_dir});
      },
      {text + ":2:", "row index 9"});
  EXPECT_FALSE(std::filesystem::exists(sdnn::cache_path_for(text, 4, 4, cache_dir)));
  auto const missing = dir.file("missing.tsv");
  expect_input_error([&] { sdnn::read_matrix(missing, 4, 4, ReadOptions{true, cache_dir}); }, {missing});
}
