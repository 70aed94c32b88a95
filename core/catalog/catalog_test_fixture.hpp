// The fixture of the SQLite catalog's unit tests: a fresh catalog file per test, and sample rows.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "core/catalog/sqlite_catalog.hpp"
#include "core/catalog/timestamps.hpp"

namespace snapmgr::core {

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("snapmgr-catalog-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto opened = SqliteCatalog::open((dir_ / "catalog.sqlite").string());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    catalog_ = std::move(*opened);
  }
  void TearDown() override {
    catalog_.reset();
    std::filesystem::remove_all(dir_);
  }

  static VolumeRecord volume(const std::string& id, const std::string& name) {
    VolumeRecord v;
    v.id = id;
    v.project_id = "p1";
    v.user_id = "admin";
    v.name = "vol-" + id;
    v.status = "available";
    v.size_gib = 2;
    v.backend = "node1@fake1";
    v.provider_reference.set("source-name", name);
    v.metadata = {{"k", "v"}};
    v.created_at = now_timestamp();
    return v;
  }
  static SnapshotRecord snapshot(const std::string& id, const std::string& volume_id, const std::string& name) {
    SnapshotRecord s;
    s.id = id;
    s.volume_id = volume_id;
    s.project_id = "p1";
    s.user_id = "admin";
    s.status = "creating";
    s.size_gib = 2;
    s.backend = "node1@fake1";
    s.provider_reference.set("source-name", name);
    s.metadata = {{"a", "1"}, {"b", "two"}};
    s.created_at = now_timestamp();
    return s;
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteCatalog> catalog_;
};

}  // namespace snapmgr::core
