#ifndef SDNN_INPUTFILE_HPP
#define SDNN_INPUTFILE_HPP

// InputFile: a file opened for reading whose every failure (open, stat, read) throws sdnn::InputError naming the
// path. Private to the library.

#include <cstddef>
#include <cstdio>
#include <string>

namespace sdnn::impl
{

/// Opens `path` for reading or throws sdnn::InputError naming it; read() checks every call.
class InputFile
{
public:
  explicit InputFile(std::string const &path);
  ~InputFile();
  InputFile(InputFile const &) = delete;
  InputFile &operator=(InputFile const &) = delete;
  /// The file's size when it was opened (0 for a pipe).
  std::size_t size() const { return m_size; }
  /// Reads up to `bytes` bytes into `to`; returns how many were read (fewer only at the end of the file).
  std::size_t read(void *to, std::size_t bytes);

private:
  std::string m_path;
  std::FILE *m_file = nullptr;
  std::size_t m_size = 0;
};

} // namespace sdnn::impl

#endif
