#ifndef SDNN_OUTPUTFILE_HPP
#define SDNN_OUTPUTFILE_HPP

// OutputFile: a file opened for writing whose every failure (open, write, close) throws sdnn::InputError naming the
// path, and which never leaves a partial file under its name. Private to the library.

#include <cstddef>
#include <cstdio>
#include <string>

namespace sdnn::impl
{

/// Opens `path` for writing or throws sdnn::InputError naming it; write() and close() check every call. A regular
/// file (or a new one) is written under a temporary name in the same directory and renamed to `path` by close(),
/// so a failure (a full disk, an exception before close()) leaves the old file or none, never a partial one; other
/// paths (/dev/stdout, a pipe) are written in place.
class OutputFile
{
public:
  explicit OutputFile(std::string const &path);
  ~OutputFile();
  OutputFile(OutputFile const &) = delete;
  OutputFile &operator=(OutputFile const &) = delete;
  void write(char const *data, std::size_t size);
  /// Closes the file; a failure here (a full disk, a lost NFS server) is a write error too.
  void close();

private:
  std::string m_path;
  std::string m_temporary; // written instead of m_path and renamed by close(); empty: m_path is written in place
  std::FILE *m_file = nullptr;
};

} // namespace sdnn::impl

#endif
