#include "core/catalog/catalog_copy_values.hpp"

#include <charconv>
#include <cstdint>

namespace snapmgr::core::catalog_copy {
namespace {

bool is_integer_type(const std::string& type) { return type == "smallint" || type == "integer" || type == "bigint"; }

std::string storage_class(const SQLite::Column& value) {
  if (value.isInteger()) return "an integer";
  if (value.isFloat()) return "a real";
  if (value.isBlob()) return "a blob";
  return "text";
}

// The shortest text that reads back as the same double.
std::string real_text(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

std::string hex_bytea(const SQLite::Column& value) {
  static const char* const kHex = "0123456789abcdef";
  const auto* bytes = static_cast<const unsigned char*>(value.getBlob());
  std::string out = "\\x";
  for (int i = 0; i < value.getBytes(); ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 15];
  }
  return out;
}

}  // namespace

std::optional<std::string> postgres_text(const SQLite::Column& value, const std::string& type) {
  if (value.isNull()) return std::nullopt;
  if (type == "boolean") {
    if (value.isInteger() && (value.getInt64() == 0 || value.getInt64() == 1)) {
      return value.getInt64() == 1 ? "true" : "false";
    }
    throw ValueRefused((value.isInteger() ? std::to_string(value.getInt64()) : storage_class(value)) +
                       " is not a boolean (0 or 1)");
  }
  if (is_integer_type(type)) {
    if (value.isInteger()) return std::to_string(value.getInt64());
    throw ValueRefused(storage_class(value) + " in a " + type + " column");
  }
  if (type == "bytea") {
    if (value.isBlob()) return hex_bytea(value);
    throw ValueRefused(storage_class(value) + " in a bytea column");
  }
  if (value.isBlob()) throw ValueRefused("a blob in a " + type + " column");
  if (value.isInteger()) return std::to_string(value.getInt64());
  if (value.isFloat()) return real_text(value.getDouble());
  return value.getString();
}

}  // namespace snapmgr::core::catalog_copy
