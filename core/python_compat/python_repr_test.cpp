#include "core/python_compat/python_repr.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "core/python_compat/unicode_tables.hpp"

namespace snapmgr::core::python_compat {
namespace {

std::string repr(const char* json) { return python_repr(boost::json::parse(json)); }

TEST(PythonRepr, Scalars) {
  EXPECT_EQ(repr("null"), "None");
  EXPECT_EQ(repr("true"), "True");
  EXPECT_EQ(repr("false"), "False");
  EXPECT_EQ(repr("5"), "5");
  EXPECT_EQ(repr("-7"), "-7");
  EXPECT_EQ(repr("1.5"), "1.5");
  EXPECT_EQ(repr("1.0"), "1.0");
  EXPECT_EQ(repr("1e16"), "1e+16");
  EXPECT_EQ(repr("1e15"), "1000000000000000.0");
  EXPECT_EQ(repr("0.0001"), "0.0001");
  EXPECT_EQ(repr("0.00001"), "1e-05");
  EXPECT_EQ(repr("123456789012345678.0"), "1.2345678901234568e+17");
}

TEST(PythonRepr, StringsQuoteAndEscapeAsPython) {
  EXPECT_EQ(python_string_repr("abc"), "'abc'");
  EXPECT_EQ(python_string_repr("it's"), "\"it's\"");
  EXPECT_EQ(python_string_repr("a'b\"c"), "'a\\'b\"c'");
  EXPECT_EQ(python_string_repr("a\nb\tc\\"), "'a\\nb\\tc\\\\'");
  EXPECT_EQ(python_string_repr(std::string("\x01\x7f", 2)), "'\\x01\\x7f'");
  EXPECT_EQ(python_string_repr("\xc2\xa0"), "'\\xa0'");                // NO-BREAK SPACE: Zs, not printable for Python
  EXPECT_EQ(python_string_repr("caf\xc3\xa9"), "'caf\xc3\xa9'");       // é printable: kept
  EXPECT_EQ(python_string_repr("\xe2\x80\xa8"), "'\\u2028'");          // LINE SEPARATOR
  EXPECT_EQ(python_string_repr("\xf3\xa0\x80\x81"), "'\\U000e0001'");  // LANGUAGE TAG (Cf)
  EXPECT_EQ(python_string_repr("\xf0\x9f\x98\x80"), "'\xf0\x9f\x98\x80'");  // emoji printable
}

TEST(PythonRepr, ContainersInDocumentOrder) {
  EXPECT_EQ(repr(R"({"ref": {"source-name": "x"}, "volume_id": "v", "n": [1, null]})"),
            "{'ref': {'source-name': 'x'}, 'volume_id': 'v', 'n': [1, None]}");
  EXPECT_EQ(repr("[]"), "[]");
  EXPECT_EQ(repr("{}"), "{}");
}

TEST(PythonRepr, StrOfAStringIsItsText) {
  EXPECT_EQ(python_str(boost::json::parse(R"("error_volume_id")")), "error_volume_id");
  EXPECT_EQ(python_str(boost::json::parse("5")), "5");
}

TEST(UnicodeTables, CindersPrintableRule) {
  EXPECT_TRUE(is_cinder_printable(U'a'));
  EXPECT_TRUE(is_cinder_printable(U' '));
  EXPECT_TRUE(is_cinder_printable(0xA0));  // Zs counts as printable for Cinder
  EXPECT_FALSE(is_cinder_printable(U'\n'));
  EXPECT_FALSE(is_cinder_printable(U'\t'));
  EXPECT_FALSE(is_cinder_printable(0x2028));   // Zl
  EXPECT_FALSE(is_cinder_printable(0x1F600));  // outside the BMP: Cinder's regex stops at U+FFFE
  const auto& pattern = cinder_description_pattern_repr();
  EXPECT_EQ(pattern.substr(0, 14), "'^[\\\\ -\\\\~\\xa0");
  EXPECT_EQ(pattern.substr(pattern.size() - 4), "]*$'");
}

}  // namespace
}  // namespace snapmgr::core::python_compat
