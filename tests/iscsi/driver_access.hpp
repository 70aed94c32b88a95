// Loading the iscsi plugin through the host's real loader, and finding records in listings.
#pragma once

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iscsi_fixture.hpp"
#include "snapmgr/records.hpp"
#include "tests/support/driver_harness.hpp"

namespace snapmgr::testing::iscsi {

inline const std::string kIscsiPlugin = std::string(SNAPMGR_PLUGIN_DIR) + "/libsnapmgr_iscsi.so";

// Each driver gets a state directory of its own (its adoption ledger lives there), in the
// fixture's workspace, as each snapmgrd backend does.
inline std::unique_ptr<TestDriver> load_iscsi(const std::string& options, std::string* state_dir = nullptr) {
  static int loaded = 0;
  const std::string dir = IscsiFixture::get().workspace() + "/state-" + std::to_string(++loaded);
  std::filesystem::create_directories(dir);
  if (state_dir) *state_dir = dir;
  auto r = load_test_driver(kIscsiPlugin, options, dir);
  EXPECT_TRUE(r.driver) << r.error;
  return std::move(r.driver);
}

// The record whose reference's source-name is `name`, or nullptr.
template <class Record>
const Record* find_named(const std::vector<Record>& records, const std::string& name) {
  for (const auto& r : records) {
    const std::string* n = r.reference.find("source-name");
    if (n && *n == name) return &r;
  }
  return nullptr;
}

template <class Record>
std::vector<std::string> names_of(const std::vector<Record>& records) {
  std::vector<std::string> names;
  for (const auto& r : records)
    names.push_back(r.reference.find("source-name") ? *r.reference.find("source-name") : "?");
  std::sort(names.begin(), names.end());
  return names;
}

inline std::string describe_for_test(const StringMap& m) {
  std::string s = "{";
  for (const auto& [k, v] : m) s += (s.size() > 1 ? ", " : "") + k + ": " + v;
  return s + "}";
}

inline std::string info(const StringMap& m, const std::string& key) {
  const std::string* v = m.find(key);
  return v ? *v : "<absent>";
}

}  // namespace snapmgr::testing::iscsi
