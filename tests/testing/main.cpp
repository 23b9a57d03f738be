// The doctest runner of every test executable, with one option of its own:
//   --skip-unless-exists=PATH   exit 77 (ctest's SKIP_RETURN_CODE) with the
//                               reason on stdout when PATH does not exist.
// Tests that need files from outside the repository (../shared) run as their
// own ctest entry with this option, so a fresh clone reports them skipped,
// never passed and never failed (tests/CMakeLists.txt).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <string_view>
#include <vector>

int main(int argc, char** argv) {
  constexpr std::string_view kSkipUnless = "--skip-unless-exists=";
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a.substr(0, kSkipUnless.size()) == kSkipUnless) {
      const std::filesystem::path need(a.substr(kSkipUnless.size()));
      std::error_code ec;
      if (!std::filesystem::exists(need, ec)) {
        std::printf("SKIP: %s does not exist (these tests need it; CI provides it)\n",
                    need.string().c_str());
        return 77;
      }
      continue;
    }
    args.push_back(argv[i]);
  }
  doctest::Context context(static_cast<int>(args.size()), args.data());
  return context.run();
}
