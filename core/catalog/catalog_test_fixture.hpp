// The fixture of the catalog contract tests (catalog_contract_tests.hpp), run on every Catalog
// implementation: a typed test over an `Impl` that gives each test a fresh, empty catalog and
// raw access to its storage, plus sample rows.
//
// An Impl has: `ServiceResult<std::unique_ptr<Catalog>> open()` (the test's catalog; the first
// call creates it), `void exec(sql)` and `std::string scalar(sql)` (plain SQL on the storage,
// bypassing the catalog), `int schema_version()`, `void set_schema_version(int)`, and
// `void tear_down()`. SqliteCatalogUnderTest is below; the PostgreSQL one is in
// postgres_catalog_test.cpp.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include "core/catalog/sqlite_catalog.hpp"
#include "core/catalog/timestamps.hpp"

namespace snapmgr::core {

template <class Impl>
class CatalogContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = impl_.open();
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    catalog_ = std::move(*opened);
  }
  void TearDown() override {
    catalog_.reset();
    impl_.tear_down();
  }

  Impl impl_;
  std::unique_ptr<Catalog> catalog_;
};

inline VolumeRecord volume(const std::string& id, const std::string& name) {
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

inline SnapshotRecord snapshot(const std::string& id, const std::string& volume_id, const std::string& name) {
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

// The SQLite catalog: a fresh file per test in a temporary directory.
class SqliteCatalogUnderTest {
 public:
  SqliteCatalogUnderTest()
      : dir_(std::filesystem::temp_directory_path() /
             ("snapmgr-catalog-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ServiceResult<std::unique_ptr<Catalog>> open() {
    auto opened = SqliteCatalog::open(path());
    if (!opened) return opened.error();
    return std::unique_ptr<Catalog>(std::move(*opened));
  }
  void exec(const std::string& sql) {
    SQLite::Database db(path(), SQLite::OPEN_READWRITE);
    db.exec(sql);
  }
  std::string scalar(const std::string& sql) {
    SQLite::Database db(path());
    return db.execAndGet(sql).getString();
  }
  int schema_version() { return SQLite::Database(path()).execAndGet("PRAGMA user_version").getInt(); }
  void set_schema_version(int version) { exec("PRAGMA user_version = " + std::to_string(version)); }
  void tear_down() { std::filesystem::remove_all(dir_); }

  std::string path() const { return (dir_ / "catalog.sqlite").string(); }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace snapmgr::core
