#include <Sdnn_Error.hpp>
#include <Sdnn_IO.hpp>

#include "Sdnn_OutputFile.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace sdnn
{

std::string read_file(std::string const &path)
{
  std::FILE *file = std::fopen(path.c_str(), "rb");
  SDNN_USER_REQUIRE(file != nullptr, path << ": cannot open file: " << std::strerror(errno));
  std::string data;
  char buffer[1 << 16];
  std::size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0)
    data.append(buffer, got);
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

OutputFile::OutputFile(std::string const &path) : m_path(path), m_file(std::fopen(path.c_str(), "wb"))
{
  SDNN_USER_REQUIRE(m_file != nullptr, path << ": cannot open for writing: " << std::strerror(errno));
}

OutputFile::~OutputFile()
{
  if (m_file != nullptr)
    std::fclose(m_file);
}

void OutputFile::write(char const *data, std::size_t size)
{
  SDNN_USER_REQUIRE(std::fwrite(data, 1, size, m_file) == size, m_path << ": write error: " << std::strerror(errno));
}

void OutputFile::close()
{
  int const rc = std::fclose(m_file);
  m_file = nullptr;
  SDNN_USER_REQUIRE(rc == 0, m_path << ": write error on close: " << std::strerror(errno));
}

} // namespace impl

} // namespace sdnn
