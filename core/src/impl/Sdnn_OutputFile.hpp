#ifndef SDNN_OUTPUTFILE_HPP
#define SDNN_OUTPUTFILE_HPP

// OutputFile: a file opened for writing whose every failure (open, write, close) throws sdnn::InputError naming the
// path. Private to the library.

#include <cstddef>
#include <cstdio>
#include <string>

namespace sdnn::impl
{

/// Opens `path` for writing or throws sdnn::InputError naming it; write() and close() check every call.
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
  std::FILE *m_file = nullptr;
};

} // namespace sdnn::impl

#endif
