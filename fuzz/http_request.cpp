// Fuzz target: the HTTP request path end to end, in process. The input is what one client
// connection sends; it is read as the server's Session reads it (core/api/http_session.cpp):
// Beast's request parser with the server's limits (HttpServerOptions: header_limit, body_limit),
// the header first (a Content-Length above body_limit is refused before the body is read), then
// the body; refusals are answered 413 / 431 / 400 as the session answers them. A complete
// request goes to the ApiHandler over a real CatalogManageService — SQLite catalog in a
// temporary directory, the fake driver loaded through the real plugin loader — and its response
// is serialized. Requests are read one after another while they ask to keep the connection
// alive, as a client may pipeline them.
//
// Oracle: besides the sanitizers, a 500 (an exception escaping an endpoint, or a service
// `Internal` fault: "a bug or an unexpected failure", service_error.hpp) and a response
// without x-openstack-request-id are bugs.
//
// Placeholders: the ids of catalog rows are random, so the input cannot know them. At start-up
// the target manages one volume and one of its snapshots; the uuids kVolumePlaceholder and
// kSnapshotPlaceholder in the input are replaced by their ids (same length, so Content-Length
// stays right). The catalog and the fake backend keep their state from one input to the next,
// as a running server does.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>

#include <spdlog/sinks/null_sink.h>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/write.hpp>

#include "core/adoption/manage_service_factory.hpp"
#include "core/api/api_handler.hpp"
#include "core/api/http_server.hpp"
#include "core/daemon/startup.hpp"
#include "core/logging/logging.hpp"

namespace {

namespace http = boost::beast::http;
namespace beast = boost::beast;
using namespace snapmgr::core;

constexpr std::string_view kVolumePlaceholder = "ffffffff-ffff-4fff-bfff-fffffffffff1";
constexpr std::string_view kSnapshotPlaceholder = "ffffffff-ffff-4fff-bfff-fffffffffff2";
constexpr int kMaxRequestsPerInput = 8;

// Two volumes; snapshots safe to manage (lvol0: the start-up fixture, lvol2), in use (lvol1)
// and unsafe for a driver's reason (other). The second backend is disabled. The driver runs in
// the fuzzer's own process: millions of inputs, each its own catalog, and no worker to start.
constexpr const char* kBackends = R"(  - name: fake1
    driver: fake
    isolation: in_process
    cluster: c1
    options:
      volumes: [{name: volume-a, size_bytes: 2147483648}, {name: volume-b, size_bytes: 1073741824}]
      snapshots: [{name: lvol0, size_bytes: 1610612736, origin: volume-a, extra_info: {pool: gold}},
                  {name: lvol1, size_bytes: 1073741824, origin: volume-a, in_use: true},
                  {name: lvol2, size_bytes: 1073741825, origin: volume-a},
                  {name: other, size_bytes: 1, origin: volume-b, reason: replication target}]
  - {name: off, driver: fake, isolation: in_process, disabled: true}
)";

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "http_request: %s\n", what.c_str());
  std::abort();
}

template <class Row>
void wait_available(const std::function<ServiceResult<Row>()>& get) {
  for (int i = 0; i < 1500; ++i) {
    auto row = get();
    if (row.ok() && row->status == "available") return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  fail("the start-up fixture did not become available");
}

struct Server {
  std::filesystem::path dir;
  HostSetup setup;
  std::unique_ptr<ManageService> service;
  std::unique_ptr<api::ApiHandler> handler;
  api::HttpServerOptions limits;  // the session's parser limits
  std::string volume_id;
  std::string snapshot_id;

  Server() {
    init_logging(LogSettings{"error", "text"}, std::make_shared<spdlog::sinks::null_sink_mt>());
    std::string pattern = (std::filesystem::temp_directory_path() / "snapmgr-fuzz-http-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) fail("mkdtemp failed");
    dir = pattern;
    const auto config = (dir / "snapmgr.yaml").string();
    std::ofstream(config) << "host: node1\nstate_dir: " << (dir / "var").string() << "\nplugin_path: ["
                          << SNAPMGR_PLUGIN_DIR << "]\nbackends:\n"
                          << kBackends;
    setup = start_host(config, false);
    if (!setup.errors.empty()) fail(to_string(setup.errors));
    auto opened = open_manage_service(setup.config, *setup.backends);
    if (!opened) fail(opened.error().message);
    service = std::move(opened).value();
    auto auth = api::Authenticator::create(setup.config.auth);
    if (!auth) fail(auth.error());
    handler = std::make_unique<api::ApiHandler>(*service, std::move(auth).value(), api::Policy::defaults());

    const Caller admin{"admin", "p1", true, "req-fuzz"};
    ManageVolumeRequest volume;
    volume.host = "node1@fake1";
    volume.ref = {{"source-name", "volume-a"}};
    auto managed = service->manage_volume(volume, admin);
    if (!managed) fail(managed.error().message);
    volume_id = managed->id;
    wait_available<VolumeRecord>([&] { return service->get_volume(volume_id); });
    ManageSnapshotRequest snapshot;
    snapshot.volume_id = volume_id;
    snapshot.ref = {{"source-name", "lvol0"}};
    auto adopted = service->manage_snapshot(snapshot, admin);
    if (!adopted) fail(adopted.error().message);
    snapshot_id = adopted->id;
    wait_available<SnapshotRecord>([&] { return service->get_snapshot(snapshot_id); });
  }

  ~Server() {
    handler.reset();
    service.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

Server& server() {
  static Server instance;  // one host for the whole run, like a server process
  return instance;
}

void substitute(std::string& text, std::string_view placeholder, const std::string& id) {
  for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + id.size())) {
    text.replace(at, placeholder.size(), id);
  }
}

using Parser = http::request_parser<http::string_body>;

// Feeds `rest` to the parser as the session does over a connection that delivers `rest` and
// then reaches end of file: through a buffer of at most `buffer_limit` bytes (the session's
// buffer holds header_limit bytes, which bounds the header, each chunk header and a chunked
// body's trailer), so a piece the parser cannot take whole from a full buffer is
// buffer_overflow (431).
beast::error_code feed(Parser& parser, std::string_view& rest, bool header_only, std::size_t buffer_limit) {
  parser.eager(!header_only);
  beast::error_code ec;
  while (header_only ? !parser.is_header_done() : !parser.is_done()) {
    std::size_t used = 0;
    const std::string_view window = rest.substr(0, buffer_limit);
    if (!window.empty()) {
      used = parser.put(boost::asio::buffer(window.data(), window.size()), ec);
      rest.remove_prefix(used);
      if (ec && ec != http::error::need_more) return ec;
      ec = {};
    }
    if (used == 0 && window.size() == buffer_limit) return http::error::buffer_overflow;
    if (used == 0) {  // the parser needs more than there is: end of file
      if (!parser.got_some()) return http::error::end_of_stream;
      parser.put_eof(ec);
      return ec ? ec : beast::error_code(http::error::partial_message);
    }
  }
  return {};
}

// What the session answers to a request it refuses (Session::refuse); nullopt: it closes
// the connection without an answer.
std::optional<api::HttpResponse> refusal(beast::error_code ec, const api::HttpServerOptions& limits) {
  api::ApiError error;
  if (ec == http::error::body_limit) {
    error = {413,
             "Request is too large. Larger than max_request_body_size (" + std::to_string(limits.body_limit) + ")."};
  } else if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    error = {431,
             "Request header fields are too large (the limit is " + std::to_string(limits.header_limit) + " bytes)."};
  } else if (ec.category() == beast::error_code(http::error::end_of_stream).category() &&
             ec != http::error::end_of_stream && ec != http::error::partial_message) {
    error = api::ApiError::bad_request("Malformed HTTP request: " + ec.message() + ".");
  } else {
    return std::nullopt;
  }
  api::HttpResponse response = api::error_response(error);
  response.keep_alive(false);
  api::finish_response(response, api::make_request_id(), api::kMinVersion);
  return response;
}

void check_and_serialize(const api::HttpResponse& response, std::string_view request) {
  if (response.result_int() == 500) {
    fail("500 for a request:\n" + std::string(request.substr(0, 2000)) + "\n--- answer:\n" + response.body());
  }
  if (response.find("x-openstack-request-id") == response.end()) fail("a response without x-openstack-request-id");
  std::ostringstream wire;
  wire << response;
  if (wire.str().empty()) fail("an empty serialized response");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Server& s = server();
  std::string input(reinterpret_cast<const char*>(data), size);
  substitute(input, kVolumePlaceholder, s.volume_id);
  substitute(input, kSnapshotPlaceholder, s.snapshot_id);

  std::string_view rest = input;
  for (int n = 0; n < kMaxRequestsPerInput && !rest.empty(); ++n) {
    const std::string_view this_request = rest;
    Parser parser;
    parser.header_limit(static_cast<std::uint32_t>(s.limits.header_limit));
    parser.body_limit(s.limits.body_limit);
    auto ec = feed(parser, rest, true, s.limits.header_limit);
    if (!ec) {
      if (auto length = parser.content_length(); length && *length > s.limits.body_limit) ec = http::error::body_limit;
    }
    if (!ec && !parser.is_done()) ec = feed(parser, rest, false, s.limits.header_limit);
    if (ec) {
      if (auto answer = refusal(ec, s.limits)) check_and_serialize(*answer, this_request);
      break;  // the session closes the connection
    }
    api::HttpRequest request = parser.release();
    api::HttpResponse response = s.handler->handle(request, api::make_request_id());
    check_and_serialize(response, this_request);
    if (!response.keep_alive()) break;
  }
  return 0;
}
