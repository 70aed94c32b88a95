#include "lvs_report.hpp"

#include <charconv>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace snapmgr::lvm {
namespace {

namespace json = boost::json;

std::string excerpt(std::string_view text) {
  constexpr std::size_t kShown = 120;
  std::string s(text.substr(0, kShown));
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return "\"" + s + (text.size() > kShown ? "...\"" : "\"");
}

Result<std::string> field(const json::object& row, std::size_t index, const char* key) {
  const json::value* v = row.if_contains(key);
  if (!v) {
    return Error::backend("lvs report row " + std::to_string(index) + " has no \"" + key + "\" field");
  }
  if (!v->is_string()) {
    return Error::backend("lvs report row " + std::to_string(index) + ": \"" + key + "\" is not a string but " +
                          json::serialize(*v));
  }
  return std::string(v->get_string());
}

Result<LvRow> parse_row(const json::value& value, std::size_t index) {
  const json::object* row = value.if_object();
  if (!row) return Error::backend("lvs report row " + std::to_string(index) + " is not an object");
  LvRow lv;
  struct Target {
    const char* key;
    std::string* out;
  };
  std::string size;
  for (auto [key, out] : {Target{"lv_name", &lv.name}, Target{"lv_size", &size}, Target{"lv_attr", &lv.attr},
                          Target{"origin", &lv.origin}, Target{"lv_uuid", &lv.uuid}, Target{"pool_lv", &lv.pool},
                          Target{"lv_tags", &lv.tags}}) {
    auto v = field(*row, index, key);
    if (!v) return v.error();
    *out = std::move(*v);
  }
  if (lv.name.empty()) return Error::backend("lvs report row " + std::to_string(index) + " has an empty lv_name");
  auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), lv.size_bytes);
  if (size.empty() || ec != std::errc() || end != size.data() + size.size()) {
    return Error::backend("lvs report: LV '" + lv.name + "' has lv_size \"" + size +
                          "\", expected a whole number of bytes (--units b --nosuffix)");
  }
  if (lv.attr.size() < 6) {
    return Error::backend("lvs report: LV '" + lv.name + "' has lv_attr \"" + lv.attr +
                          "\", expected at least 6 attribute characters");
  }
  return lv;
}

}  // namespace

Result<std::vector<LvRow>> parse_lvs_report(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) {
    return Error::backend("lvs printed unparsable JSON (" + ec.message() + "): " + excerpt(text));
  }
  const json::value* report = doc.is_object() ? doc.get_object().if_contains("report") : nullptr;
  if (!report || !report->is_array()) {
    return Error::backend("lvs printed JSON without a \"report\" array: " + excerpt(text));
  }
  std::vector<LvRow> rows;
  for (const json::value& part : report->get_array()) {
    const json::value* lvs = part.is_object() ? part.get_object().if_contains("lv") : nullptr;
    if (!lvs || !lvs->is_array()) {
      return Error::backend("lvs printed a report entry without an \"lv\" array: " + excerpt(json::serialize(part)));
    }
    for (const json::value& row : lvs->get_array()) {
      auto lv = parse_row(row, rows.size());
      if (!lv) return lv.error();
      rows.push_back(std::move(*lv));
    }
  }
  return rows;
}

}  // namespace snapmgr::lvm
