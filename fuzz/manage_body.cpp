// Fuzz target: the POST bodies of the manage calls. The input's first byte picks the body
// (snapshot or volume) and the microversion; the rest is the body's text, parsed with
// Boost.JSON as the API handler does, checked against Cinder's schema (api/body_schemas,
// python_compat/json_schema: every error message is built, including the repr of the
// offending value) and turned into the service's request.
#include <cstdint>
#include <string_view>

#include <boost/json/parse.hpp>

#include "core/api/body_schemas.hpp"

namespace {

using namespace snapmgr::core;

constexpr api::ApiVersion kVersions[] = {{3, 0}, {3, 8}, {3, 15}, {3, 16}, {3, 17}, {3, 70}};

void exercise(const python_compat::Schema& schema, const boost::json::value& body) {
  if (auto error = python_compat::validate(schema, body)) (void)error->cinder_message();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(text, ec);
  if (ec) return 0;
  if (data[0] & 1) {
    exercise(api::manage_volume_schema(), body);
    (void)api::parse_manage_volume_body(body, kVersions[(data[0] >> 1) % std::size(kVersions)]);
  } else {
    exercise(api::manage_snapshot_schema(), body);
    (void)api::parse_manage_snapshot_body(body);
  }
  return 0;
}
