// One SQLite value as the text PostgreSQL reads into a column of a given type, for
// `--copy-catalog` (catalog_copy.hpp). SQLite stores booleans as integers 0 and 1 and keeps
// whatever storage class a value was written with; PostgreSQL's columns are typed. Internal to
// the copy.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include <SQLiteCpp/Column.h>

namespace snapmgr::core::catalog_copy {

// A value the PostgreSQL column cannot hold; what() says why ("2 is not a boolean (0 or 1)").
class ValueRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `value` as PostgreSQL text input for a column of `type` (format_type's spelling); nullopt for
// NULL. Booleans take SQLite's 0 and 1; integer columns take integers; bytea takes blobs (as
// \x hex); other columns take text, or integers and reals written out in full. A blob anywhere
// but in bytea, text in a boolean or integer column, and other booleans than 0 and 1 throw
// ValueRefused.
std::optional<std::string> postgres_text(const SQLite::Column& value, const std::string& type);

}  // namespace snapmgr::core::catalog_copy
