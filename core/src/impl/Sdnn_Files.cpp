#include <Sdnn_Error.hpp>
#include <Sdnn_IO.hpp>

#include "Sdnn_OutputFile.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace sdnn
{

std::string read_file(std::string const &path)
{
  std::FILE *file = std::fopen(path.c_str(), "rb");
  SDNN_USER_REQUIRE(file != nullptr, path << ": cannot open file: " << std::strerror(errno));
  // Sized once from the file's size (appending in pieces would copy a large file several times over, and hold
  // twice its size while the string grows), then read to its end whatever it holds by then.
  std::string data;
  struct stat status;
  if (::fstat(::fileno(file), &status) == 0 && status.st_size > 0)
    data.resize(static_cast<std::size_t>(status.st_size));
  std::size_t size = 0;
  for (;;)
  {
    if (size == data.size())
      data.resize(std::max<std::size_t>(2 * data.size(), 1 << 16));
    std::size_t const got = std::fread(data.data() + size, 1, data.size() - size, file);
    size += got;
    if (got == 0)
      break;
  }
  data.resize(size);
  bool const failed = std::ferror(file) != 0;
  std::fclose(file);
  SDNN_USER_REQUIRE(!failed, path << ": read error: " << std::strerror(errno));
  return data;
}

void write_file(std::string const &path, std::string const &contents)
{
  impl::OutputFile file(path);
  file.write(contents.data(), contents.size());
  file.close();
}

namespace impl
{

OutputFile::OutputFile(std::string const &path) : m_path(path)
{
  std::error_code error;
  auto const status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status) || std::filesystem::is_regular_file(status))
    m_temporary = path + ".tmp." + std::to_string(::getpid());
  auto const &written = m_temporary.empty() ? m_path : m_temporary;
  m_file = std::fopen(written.c_str(), "wb");
  SDNN_USER_REQUIRE(m_file != nullptr, path << ": cannot open for writing: " << std::strerror(errno));
}

OutputFile::~OutputFile()
{
  if (m_file != nullptr)
  {
    std::fclose(m_file);
    if (!m_temporary.empty())
      std::remove(m_temporary.c_str());
  }
}

void OutputFile::write(char const *data, std::size_t size)
{
  SDNN_USER_REQUIRE(std::fwrite(data, 1, size, m_file) == size, m_path << ": write error: " << std::strerror(errno));
}

void OutputFile::close()
{
  int const rc = std::fclose(m_file);
  int const error = errno;
  m_file = nullptr;
  if (rc != 0 && !m_temporary.empty())
    std::remove(m_temporary.c_str());
  SDNN_USER_REQUIRE(rc == 0, m_path << ": write error on close: " << std::strerror(error));
  if (!m_temporary.empty() && std::rename(m_temporary.c_str(), m_path.c_str()) != 0)
  {
    int const rename_error = errno;
    std::remove(m_temporary.c_str());
    throw InputError(m_path + ": cannot write: " + std::strerror(rename_error));
  }
}

} // namespace impl

} // namespace sdnn
