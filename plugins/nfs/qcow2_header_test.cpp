#include "qcow2_header.hpp"

#include <random>

#include <gtest/gtest.h>

#include "qcow2_test_image.hpp"

namespace snapmgr::nfs {
namespace {

using testing::qcow2_bytes;
using testing::Qcow2Fields;

std::string problem(const std::string& bytes) {
  auto h = parse_qcow2_header(std::string_view(bytes).substr(0, kHeaderProbeBytes), bytes.size());
  EXPECT_FALSE(h.ok());
  return h.ok() ? "" : h.error().message();
}

TEST(Qcow2Header, ReadsVersion3WithBackingFile) {
  const std::string bytes = qcow2_bytes(Qcow2Fields().size(123456789).backing("volume-1"));
  ASSERT_TRUE(has_qcow2_magic(bytes));
  auto h = parse_qcow2_header(bytes, bytes.size());
  ASSERT_TRUE(h.ok()) << h.error().message();
  EXPECT_EQ(h->version, 3u);
  EXPECT_EQ(h->virtual_size, 123456789u);
  EXPECT_EQ(h->cluster_size, 65536u);
  ASSERT_TRUE(h->has_backing_file());
  auto name = backing_file_name(*h, std::string_view(bytes).substr(h->backing_file_offset));
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(*name, "volume-1");
}

TEST(Qcow2Header, ReadsVersion2WithoutBackingFile) {
  const std::string bytes = qcow2_bytes(Qcow2Fields().version(2).size(1 << 20));
  auto h = parse_qcow2_header(bytes, bytes.size());
  ASSERT_TRUE(h.ok()) << h.error().message();
  EXPECT_EQ(h->version, 2u);
  EXPECT_FALSE(h->has_backing_file());
  EXPECT_EQ(h->virtual_size, 1u << 20);
}

TEST(Qcow2Header, RawDataIsNotQcow2) {
  EXPECT_FALSE(has_qcow2_magic(std::string(512, '\0')));
  EXPECT_FALSE(has_qcow2_magic("QFI"));
  EXPECT_NE(problem(std::string(100, 'x')).find("not a qcow2 image"), std::string::npos);
}

TEST(Qcow2Header, TruncatedHeadersAreReported) {
  const std::string full = qcow2_bytes(Qcow2Fields().backing("base"));
  for (std::size_t cut : {4u, 7u, 50u, 71u, 103u}) {
    EXPECT_NE(problem(full.substr(0, cut)).find("truncated"), std::string::npos) << cut;
  }
  // The name announced past the end of the file.
  const std::string cut_name = full.substr(0, full.size() - 2);
  EXPECT_NE(problem(cut_name).find("backing file name ends at byte"), std::string::npos);
}

TEST(Qcow2Header, ImpossibleFieldsAreReported) {
  EXPECT_NE(problem(qcow2_bytes(Qcow2Fields().version(4))).find("unsupported qcow2 version 4"), std::string::npos);
  EXPECT_NE(problem(qcow2_bytes(Qcow2Fields().cluster_bits(30))).find("cluster_bits 30"), std::string::npos);
  EXPECT_NE(problem(qcow2_bytes(Qcow2Fields().cluster_bits(3))).find("cluster_bits 3"), std::string::npos);
  EXPECT_NE(problem(qcow2_bytes(Qcow2Fields().incompatible(2))).find("marked corrupt"), std::string::npos);
  EXPECT_NE(problem(qcow2_bytes(Qcow2Fields().incompatible(4))).find("external data file"), std::string::npos);
  EXPECT_NE(problem(qcow2_bytes(Qcow2Fields().incompatible(1ull << 40))).find("unknown incompatible"),
            std::string::npos);
  EXPECT_NE(problem(qcow2_bytes(Qcow2Fields().size(~0ull))).find("virtual size"), std::string::npos);
}

TEST(Qcow2Header, BadBackingFileNamesAreReported) {
  EXPECT_NE(problem(qcow2_bytes(Qcow2Fields().backing(std::string(1024, 'a')))).find("1024 bytes"), std::string::npos);
  EXPECT_NE(problem(qcow2_bytes(Qcow2Fields().backing("base").backing_at(40))).find("overlaps the header"),
            std::string::npos);
  EXPECT_NE(problem(qcow2_bytes(Qcow2Fields().backing("base").backing_at(70000))).find("first cluster"),
            std::string::npos);
  std::string empty = qcow2_bytes(Qcow2Fields().backing("base"));
  testing::put_big_endian(empty, 16, 0, 4);
  EXPECT_NE(problem(empty).find("empty"), std::string::npos);
  const std::string with_nul = qcow2_bytes(Qcow2Fields().backing(std::string("ba\0se", 5)));
  auto h = parse_qcow2_header(with_nul, with_nul.size());
  ASSERT_TRUE(h.ok());
  auto name = backing_file_name(*h, std::string_view(with_nul).substr(h->backing_file_offset));
  ASSERT_FALSE(name.ok());
  EXPECT_NE(name.error().message().find("NUL"), std::string::npos);
  EXPECT_FALSE(backing_file_name(*h, "ba").ok());  // fewer bytes than announced
}

// Whatever follows the magic, parsing returns (a header or a reason) without reading past the
// bytes it was given — the sanitizer build checks the "without".
TEST(Qcow2Header, RandomBytesNeverBreakTheParser) {
  std::mt19937_64 random(42);
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string bytes = "QFI\xfb";
    bytes.resize(4 + random() % 300);
    for (std::size_t k = 4; k < bytes.size(); ++k) bytes[k] = static_cast<char>(random());
    if (i % 2) testing::put_big_endian(bytes, 4, 2 + random() % 2, 4);
    auto h = parse_qcow2_header(bytes, bytes.size() + random() % 2);
    if (!h.ok()) continue;
    ++parsed;
    if (h->has_backing_file() && h->backing_file_offset + h->backing_file_size <= bytes.size()) {
      (void)backing_file_name(*h, std::string_view(bytes).substr(h->backing_file_offset));
    }
  }
  EXPECT_LT(parsed, 20000);
}

}  // namespace
}  // namespace snapmgr::nfs
