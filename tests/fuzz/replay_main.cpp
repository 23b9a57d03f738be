// A main() for the fuzz targets without libFuzzer: feeds every file named on
// the command line, or found (recursively) in a directory named there, to
// LLVMFuzzerTestOneInput, in sorted order. Any failure aborts the process, as
// it would under the fuzzer; a file that takes longer than the limit given
// with --max-seconds=N (default 10) fails the run. ctest runs it on the
// regression inputs, so every crash the fuzzer found stays fixed in every build.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_target.h"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  double max_seconds = 10;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--max-seconds=", 0) == 0) {
      max_seconds = std::atof(arg.c_str() + 14);
      continue;
    }
    if (fs::is_directory(arg)) {
      for (const auto& e : fs::recursive_directory_iterator(arg)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
    } else if (fs::is_regular_file(arg)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "replay: no such file or directory: %s\n", arg.c_str());
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  int slow = 0;
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto start = std::chrono::steady_clock::now();
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (s > max_seconds) {
      std::fprintf(stderr, "replay: %s took %.1f s (limit %.1f s)\n", f.c_str(), s, max_seconds);
      ++slow;
    }
  }
  std::printf("replay: %zu inputs, %d too slow\n", files.size(), slow);
  return slow == 0 ? 0 : 1;
}
