// A scratch folder for one test: created fresh when the object is made, removed when it dies.
//
//   class MyFormat : public ::testing::Test {
//    protected:
//     deminer::test::ScratchDir dir_;  // <temp>/deminer-MyFormat.ReadsIt-<pid>
//   };
//   TEST_F(MyFormat, ReadsIt) { write_file(dir_ / "a.bin"); ... }
//
// The folder is named after the running test and the process id, so two test runs on one machine
// (two build folders, ctest -j) never share a folder.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#if defined(_WIN32)
#include <process.h>
#else
#include <unistd.h>
#endif

namespace deminer::test {

class ScratchDir {
 public:
  // Must be made while a test runs (a fixture member, or inside the test body). Throws
  // std::filesystem::filesystem_error when the folder cannot be made.
  ScratchDir() : path_(std::filesystem::path(::testing::TempDir()) / folder_name()) {
    std::filesystem::remove_all(path_);  // a leftover of an earlier run that reused this pid
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ScratchDir(ScratchDir&&) = delete;
  ScratchDir& operator=(ScratchDir&&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  // "deminer-<Suite>.<Test>-<pid>"; parametrised names ("Bits/DztBits", "Reads/0") contain '/',
  // and anything but letters, digits, '.', '-' and '_' becomes '_'.
  static std::string folder_name() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string test = info != nullptr ? std::string(info->test_suite_name()) + "." + info->name()
                                       : std::string("no-test");
    for (char& c : test) {
      const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
      if (!keep) c = '_';
    }
#if defined(_WIN32)
    const auto pid = _getpid();
#else
    const auto pid = ::getpid();
#endif
    return "deminer-" + test + "-" + std::to_string(pid);
  }

  std::filesystem::path path_;
};

// The whole content of a file, for tests that damage or compare written files byte by byte.
inline std::vector<std::byte> read_file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<char> chars((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  for (std::size_t i = 0; i < chars.size(); ++i) bytes[i] = static_cast<std::byte>(chars[i]);
  return bytes;
}

}  // namespace deminer::test
