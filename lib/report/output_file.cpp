// --out FILE: written atomically, and never over an input.
#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>

#include "simcluster/error.h"
#include "simcluster/render.h"

namespace simcluster {

namespace fs = std::filesystem;

namespace {

// True when a and b name the same file: same canonical path, or (both
// existing) the same device and inode, which also catches hard links.
bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  fs::path ca = fs::weakly_canonical(a, ec);
  if (ec) ca = fs::absolute(a, ec).lexically_normal();
  fs::path cb = fs::weakly_canonical(b, ec);
  if (ec) cb = fs::absolute(b, ec).lexically_normal();
  if (ca == cb) return true;
  struct stat sa {
  }, sb{};
  if (::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0) {
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  }
  return false;
}

[[noreturn]] void fail_write(const std::string& path, const std::string& what, int err) {
  throw InputError(SourceLocation{path, 0, 0},
                   fmt::format("cannot write the report: {}: {}", what, std::strerror(err)),
                   "choose another --out path");
}

bool write_all(int fd, std::string_view content) {
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

void check_output_path(const std::string& path, const std::vector<std::string>& inputs) {
  if (path.empty()) {
    throw InputError(SourceLocation{}, "--out needs a file name");
  }
  fs::path target(path);
  for (const auto& in : inputs) {
    if (in.empty() || in == "-") continue;
    if (same_file(target, in)) {
      throw InputError(SourceLocation{path, 0, 0},
                       fmt::format("refusing to overwrite input file '{}' with the report", in),
                       "write the report somewhere else (--out), or print it to stdout");
    }
  }
  std::error_code ec;
  if (fs::is_directory(target, ec)) {
    throw InputError(SourceLocation{path, 0, 0}, "--out names a directory, not a file");
  }
  // The file is replaced by a rename, which needs only the directory's write
  // permission: refuse a file its owner made read-only (no write bit at all),
  // or that this user may not write, as `cp` and shell redirection would.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    const bool read_only = (st.st_mode & 0222) == 0;
    if (read_only || ::faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) != 0) {
      throw InputError(
          SourceLocation{path, 0, 0},
          fmt::format("cannot write the report to '{}': {} ({})", path, std::strerror(EACCES),
                      read_only ? "the file is read-only" : "you may not write the file"),
          fmt::format("make it writable (chmod u+w '{}') or choose another --out path", path));
    }
  }
}

void write_file_atomically(const std::string& path, std::string_view content,
                           const std::vector<std::string>& inputs) {
  check_output_path(path, inputs);
  fs::path target(path);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  // The temporary file lives beside the target so rename() stays on one file system.
  std::string name = ".";
  name += target.filename().string();
  name += ".tmp.XXXXXX";
  std::string tmpl = (dir / name).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = ::mkstemp(buf.data());
  if (fd < 0)
    fail_write(path, fmt::format("creating a temporary file in '{}'", dir.string()), errno);
  std::string tmp(buf.data());
  auto cleanup = [&](const std::string& what, int err) {
    ::close(fd);
    ::unlink(tmp.c_str());
    fail_write(path, what, err);
  };
  // mkstemp creates 0600. A replaced file keeps its permissions (as `cp` onto
  // it would); a new report is an ordinary file: 0666 less the umask.
  mode_t mode = 0;
  struct stat old {};
  if (::stat(path.c_str(), &old) == 0 && S_ISREG(old.st_mode)) {
    mode = old.st_mode & 0777;
  } else {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  }
  if (::fchmod(fd, mode) != 0) cleanup("setting permissions", errno);
  if (!write_all(fd, content)) cleanup("writing", errno);
  if (::fsync(fd) != 0) cleanup("syncing", errno);
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail_write(path, "closing", err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail_write(path, "renaming the temporary file", err);
  }
  // Make the rename itself durable.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace simcluster
