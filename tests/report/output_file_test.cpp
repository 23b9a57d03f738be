#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "simcluster/error.h"
#include "simcluster/render.h"

using namespace simcluster;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "simcluster-out-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const fs::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary);
  out << s;
}

size_t entries(const fs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST_CASE("--out writes the whole file and leaves no temporary file behind") {
  TempDir d;
  fs::path out = d.path / "report.json";
  write_file_atomically(out.string(), "{\"version\": 1}\n", {});
  CHECK(slurp(out) == "{\"version\": 1}\n");
  write_file_atomically(out.string(), "second\n", {});
  CHECK(slurp(out) == "second\n");
  CHECK(entries(d.path) == 1);
  struct stat st {};
  REQUIRE(::stat(out.c_str(), &st) == 0);
  mode_t mask = ::umask(0);
  ::umask(mask);
  CHECK((st.st_mode & 0777) == (0666 & ~mask));
}

TEST_CASE("--out refuses to overwrite an input, however it is named") {
  TempDir d;
  fs::path scenario = d.path / "peak.yaml";
  fs::path manifest = d.path / "deploy.yaml";
  spit(scenario, "name: peak\n");
  spit(manifest, "kind: Deployment\n");
  std::vector<std::string> inputs = {scenario.string(), manifest.string()};

  CHECK_THROWS_AS(write_file_atomically(scenario.string(), "x", inputs), InputError);
  // Through "..", a symbolic link and a hard link.
  fs::create_directory(d.path / "sub");
  CHECK_THROWS_AS(
      write_file_atomically((d.path / "sub" / ".." / "deploy.yaml").string(), "x", inputs),
      InputError);
  fs::create_symlink(scenario, d.path / "link.yaml");
  CHECK_THROWS_AS(write_file_atomically((d.path / "link.yaml").string(), "x", inputs), InputError);
  fs::create_hard_link(manifest, d.path / "hard.yaml");
  CHECK_THROWS_AS(write_file_atomically((d.path / "hard.yaml").string(), "x", inputs), InputError);

  CHECK(slurp(scenario) == "name: peak\n");
  CHECK(slurp(manifest) == "kind: Deployment\n");
  try {
    write_file_atomically(scenario.string(), "x", inputs);
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("refusing to overwrite input file") != std::string::npos);
  }
  // A different file in the same directory is fine.
  write_file_atomically((d.path / "report.txt").string(), "ok", inputs);
  CHECK(slurp(d.path / "report.txt") == "ok");
}

TEST_CASE("--out reports a directory or an unwritable place as an input error") {
  TempDir d;
  CHECK_THROWS_AS(write_file_atomically(d.path.string(), "x", {}), InputError);
  CHECK_THROWS_AS(write_file_atomically((d.path / "missing" / "r.txt").string(), "x", {}),
                  InputError);
  CHECK_THROWS_AS(write_file_atomically("", "x", {}), InputError);
  CHECK(entries(d.path) == 0);
}

TEST_CASE("--out refuses a read-only file, as cp would, and leaves it untouched") {
  TempDir d;
  fs::path out = d.path / "report.txt";
  spit(out, "old report\n");
  REQUIRE(::chmod(out.c_str(), 0444) == 0);
  std::string message;
  try {
    write_file_atomically(out.string(), "new report\n", {});
  } catch (const InputError& e) {
    message = e.what();
  }
  CHECK(message.find(out.string() + ": cannot write the report to '" + out.string() +
                     "': Permission denied (the file is read-only)") != std::string::npos);
  CHECK(message.find("chmod u+w") != std::string::npos);
  // check_output_path, which `run` calls before simulating, refuses it too.
  CHECK_THROWS_AS(check_output_path(out.string(), {}), InputError);
  CHECK(slurp(out) == "old report\n");
  struct stat st {};
  REQUIRE(::stat(out.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0444);
  CHECK(entries(d.path) == 1);
}

TEST_CASE("--out keeps the permissions of the file it replaces") {
  TempDir d;
  fs::path out = d.path / "report.txt";
  spit(out, "old\n");
  REQUIRE(::chmod(out.c_str(), 0600) == 0);
  write_file_atomically(out.string(), "new\n", {});
  CHECK(slurp(out) == "new\n");
  struct stat st {};
  REQUIRE(::stat(out.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::chmod(out.c_str(), 0664) == 0);
  write_file_atomically(out.string(), "newer\n", {});
  REQUIRE(::stat(out.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0664);
}
