// Test support: a fresh directory under /tmp/snapmgr-nfs-unit-<pid>-<n>, removed at the end of
// the test, with helpers to put files in it — a real local share for the driver's logic.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include "local_share.hpp"

namespace snapmgr::nfs::testing {

class LocalShareDir {
 public:
  LocalShareDir() {
    static std::atomic<int> counter{0};
    path_ = "/tmp/snapmgr-nfs-unit-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
    share_ = std::make_unique<LocalShare>(path_, path_);
  }
  ~LocalShareDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  LocalShareDir(const LocalShareDir&) = delete;
  LocalShareDir& operator=(const LocalShareDir&) = delete;

  const std::string& path() const { return path_; }
  LocalShare& share() { return *share_; }

  void write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path_ + "/" + name, std::ios::binary | std::ios::trunc) << bytes;
  }
  std::string read(const std::string& name) const {
    std::ifstream in(path_ + "/" + name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  bool exists(const std::string& name) const { return std::filesystem::exists(path_ + "/" + name); }
  // Names of everything in the directory, hidden files included.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::string path_;
  std::unique_ptr<LocalShare> share_;
};

}  // namespace snapmgr::nfs::testing
