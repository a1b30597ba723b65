#include <Sdnn_Error.hpp>
#include <Sdnn_IO.hpp>

#include "Sdnn_InputFile.hpp"
#include "Sdnn_OutputFile.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace sdnn
{

std::string read_file(std::string const &path)
{
  // Sized once from the file's size (appending in pieces would copy a large file several times over, and hold
  // twice its size while the string grows), then whatever the file holds beyond it (a pipe, a file still growing).
  impl::InputFile file(path);
  std::string data(file.size(), '\0');
  data.resize(file.read(data.data(), data.size()));
  char more[1 << 16];
  for (std::size_t got; (got = file.read(more, sizeof more)) > 0;)
    data.append(more, got);
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

InputFile::InputFile(std::string const &path) : m_path(path), m_file(std::fopen(path.c_str(), "rb"))
{
  SDNN_USER_REQUIRE(m_file != nullptr, path << ": cannot open file: " << std::strerror(errno));
  struct stat status;
  if (::fstat(::fileno(m_file), &status) != 0)
  {
    int const error = errno;
    std::fclose(m_file);
    SDNN_USER_REQUIRE(false, path << ": cannot stat file: " << std::strerror(error));
  }
  m_size = S_ISREG(status.st_mode) ? static_cast<std::size_t>(status.st_size) : 0;
}

InputFile::~InputFile()
{
  std::fclose(m_file);
}

std::size_t InputFile::read(void *to, std::size_t bytes)
{
  std::size_t const got = std::fread(to, 1, bytes, m_file);
  SDNN_USER_REQUIRE(std::ferror(m_file) == 0, m_path << ": read error: " << std::strerror(errno));
  return got;
}

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
