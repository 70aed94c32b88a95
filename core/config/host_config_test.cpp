#include "core/config/host_config.hpp"

#include <gtest/gtest.h>

namespace snapmgr::core {
namespace {

const char* kValid = R"(host: node1
listen: 127.0.0.1:8776
state_dir: var/
auth: {strategy: noauth}
policy_file: etc/policy.yaml
plugin_path: [build/plugins]
log: {level: info, format: json}
backends:
  - name: fake1
    driver: fake
    cluster: c1
    options: {snapshots: []}
  - name: fake2
    driver: fake
    pool: gold
    disabled: true
)";

HostConfigLoad parse(const std::string& text) { return parse_host_config(text, "etc/test.yaml"); }

// The single error's rendering, or a description of why there is not exactly one.
std::string only_error(const HostConfigLoad& load) {
  if (load.errors.size() != 1)
    return "expected one error, got " + std::to_string(load.errors.size()) + ":\n" + to_string(load.errors);
  return load.errors[0].to_string();
}

TEST(HostConfig, ValidDemoParses) {
  auto load = parse(kValid);
  ASSERT_TRUE(load.config) << to_string(load.errors);
  const auto& c = *load.config;
  EXPECT_EQ(c.host, "node1");
  EXPECT_EQ(c.listen_address, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 8776);
  EXPECT_EQ(c.state_dir, "var/");
  EXPECT_EQ(c.log.format, "json");
  ASSERT_EQ(c.backends.size(), 2u);
  EXPECT_EQ(c.backends[0].name, "fake1");
  EXPECT_EQ(c.backends[0].cluster, "c1");
  EXPECT_TRUE(c.backends[0].options.find("snapshots")->is_list());
  EXPECT_TRUE(c.backends[1].disabled);
  EXPECT_EQ(c.backends[0].pool, "fake1");  // default: the backend's name
  EXPECT_EQ(c.backends[1].pool, "gold");
  EXPECT_EQ(c.plugin_path, std::vector<std::string>{"build/plugins"});
}

TEST(HostConfig, DefaultsWhenKeysAreAbsent) {
  auto load = parse("backends: []\n");
  ASSERT_TRUE(load.config) << to_string(load.errors);
  EXPECT_FALSE(load.config->host.empty());  // the machine's hostname
  EXPECT_EQ(load.config->listen_port, 8776);
  EXPECT_EQ(load.config->auth.strategy, "noauth");
  ASSERT_EQ(load.config->plugin_path.size(), 1u);
  EXPECT_NE(load.config->plugin_path[0].find("/plugins"), std::string::npos);
}

TEST(HostConfig, BulkheadAndConnectionLimits) {
  auto defaults = parse("backends: [{name: a, driver: fake}]\n");
  ASSERT_TRUE(defaults.config) << to_string(defaults.errors);
  EXPECT_EQ(defaults.config->max_connections, 0) << "derived from the descriptor limit at start-up";
  EXPECT_EQ(defaults.config->backends[0].max_concurrent_calls, 64);
  auto set = parse("max_connections: 100\nbackends: [{name: a, driver: fake, max_concurrent_calls: 3}]\n");
  ASSERT_TRUE(set.config) << to_string(set.errors);
  EXPECT_EQ(set.config->max_connections, 100);
  EXPECT_EQ(set.config->backends[0].max_concurrent_calls, 3);
  EXPECT_EQ(only_error(parse("backends: [{name: a, driver: fake, max_concurrent_calls: 0}]\n")),
            "etc/test.yaml:1: backends[0].max_concurrent_calls: must be between 1 and 1024");
  EXPECT_EQ(only_error(parse("max_connections: -1\nbackends: []\n")),
            "etc/test.yaml:1: max_connections: must be between 0 and 1000000");
}

TEST(HostConfig, IsolationAndWorkerLimits) {
  auto defaults = parse("backends: [{name: a, driver: fake}]\n");
  ASSERT_TRUE(defaults.config) << to_string(defaults.errors);
  EXPECT_EQ(defaults.config->backends[0].isolation,
            std::getenv("SNAPMGR_ISOLATION") && std::string_view(std::getenv("SNAPMGR_ISOLATION")) == "in_process"
                ? BackendConfig::Isolation::InProcess
                : BackendConfig::Isolation::Process);
  EXPECT_EQ(defaults.config->backends[0].worker_memory_limit_mib, 0);
  auto set = parse(
      "backends: [{name: a, driver: fake, isolation: process, worker: {memory_limit_mib: 512, max_open_files: 64}},"
      " {name: b, driver: fake, isolation: in_process}]\n");
  ASSERT_TRUE(set.config) << to_string(set.errors);
  EXPECT_EQ(set.config->backends[0].isolation, BackendConfig::Isolation::Process);
  EXPECT_EQ(set.config->backends[0].worker_memory_limit_mib, 512);
  EXPECT_EQ(set.config->backends[0].worker_max_open_files, 64);
  EXPECT_EQ(set.config->backends[1].isolation, BackendConfig::Isolation::InProcess);
  EXPECT_EQ(only_error(parse("backends: [{name: a, driver: fake, isolation: container}]\n")),
            "etc/test.yaml:1: backends[0].isolation: 'container' is not process or in_process");
  EXPECT_EQ(only_error(parse("backends: [{name: a, driver: fake, worker: {memory_limit_mib: 1}}]\n")),
            "etc/test.yaml:1: backends[0].worker.memory_limit_mib: must be between 64 and 1048576");
  EXPECT_NE(only_error(parse("backends: [{name: a, driver: fake, worker: {cpus: 2}}]\n")).find("unknown key"),
            std::string::npos);
}

TEST(HostConfig, WithoutACatalogKeyTheCatalogIsSqliteInTheStateDir) {
  auto load = parse("backends: []\n");
  ASSERT_TRUE(load.config) << to_string(load.errors);
  EXPECT_FALSE(load.config->catalog.has_value());
}

TEST(HostConfig, APostgresqlCatalog) {
  auto load = parse(
      "catalog:\n  url: postgresql://snapmgr@db1:5433/snapmgr\n  password_file: etc/pg.pass\n"
      "  pool_size: 8\nbackends: []\n");
  ASSERT_TRUE(load.config) << to_string(load.errors);
  ASSERT_TRUE(load.config->catalog.has_value());
  EXPECT_EQ(load.config->catalog->url, "postgresql://snapmgr@db1:5433/snapmgr");
  EXPECT_EQ(load.config->catalog->password_file, "etc/pg.pass");  // kept as written, like the other files
  EXPECT_EQ(load.config->catalog->pool_size, 8);
  EXPECT_EQ(load.config->catalog->line, 2);  // where its entries start
  auto defaults = parse("catalog: {url: 'postgres://h/db'}\nbackends: []\n");
  ASSERT_TRUE(defaults.config) << to_string(defaults.errors);
  EXPECT_EQ(defaults.config->catalog->pool_size, 4);
  EXPECT_TRUE(defaults.config->catalog->password_file.empty());
}

TEST(HostConfig, CatalogKeysAreChecked) {
  EXPECT_EQ(only_error(parse("catalog: {url: 'postgresql://h/db', pool: 3}\nbackends: []\n"))
                .rfind("etc/test.yaml:1: catalog.pool: unknown key (accepted: url, password_file, pool_size)", 0),
            0u);
  EXPECT_EQ(only_error(parse("catalog: {password_file: x}\nbackends: []\n")),
            "etc/test.yaml:1: catalog.url: missing required key");
  EXPECT_EQ(only_error(parse("backends: []\ncatalog:\n  url: 'postgresql://h/db'\n  pool_size: 65\n")),
            "etc/test.yaml:4: catalog.pool_size: must be between 1 and 64");
  EXPECT_EQ(only_error(parse("catalog: {url: 'postgresql://h/db', pool_size: 0}\nbackends: []\n")),
            "etc/test.yaml:1: catalog.pool_size: must be between 1 and 64");
  EXPECT_EQ(only_error(parse("catalog: {url: 'postgresql://h/db', pool_size: many}\nbackends: []\n")),
            "etc/test.yaml:1: catalog.pool_size: expected an integer, found a string");
  EXPECT_EQ(only_error(parse("catalog: postgresql://h/db\nbackends: []\n")),
            "etc/test.yaml:1: catalog: expected a map, found a string");
  EXPECT_EQ(only_error(parse("catalog: {url: 'mysql://h/db'}\nbackends: []\n")),
            "etc/test.yaml:1: catalog.url: expected a PostgreSQL URL: postgresql://user@host:port/dbname (no spaces)");
}

TEST(HostConfig, APasswordInTheCatalogUrlIsRefusedWithoutQuotingIt) {
  for (const char* url :
       {"postgresql://snapmgr:hunter2@db1/snapmgr", "postgres://snapmgr:hunter2@db1:5432/x?sslmode=require",
        "postgresql://snapmgr@db1/snapmgr?sslmode=require&password=hunter2"}) {
    auto load = parse(std::string("catalog:\n  url: '") + url + "'\nbackends: []\n");
    const std::string error = only_error(load);
    EXPECT_EQ(error,
              "etc/test.yaml:2: catalog.url: the URL must not contain a password: put the password in a "
              "file and name it in catalog.password_file")
        << url;
    EXPECT_EQ(error.find("hunter2"), std::string::npos);
  }
  // A ':' elsewhere (the port, an IPv6 host, the path) is no password.
  EXPECT_TRUE(parse("catalog: {url: 'postgresql://snapmgr@[::1]:5433/db'}\nbackends: []\n").config);
  EXPECT_TRUE(parse("catalog: {url: 'postgresql://db1:5433/a:b'}\nbackends: []\n").config);
}

TEST(HostConfig, PoolMustBeAValidPoolName) {
  auto load = parse("backends:\n  - name: a\n    driver: fake\n    pool: 'x#y'\n");
  EXPECT_EQ(only_error(load).rfind("etc/test.yaml:4: backends[0].pool: 'x#y' is not a valid pool name", 0), 0u)
      << only_error(load);
}

TEST(HostConfig, UnknownKeyNamesFileLineAndKey) {
  auto load = parse("backends: []\nlisten: 127.0.0.1:1\nlisen_port: 5\n");
  EXPECT_EQ(only_error(load).rfind("etc/test.yaml:3: lisen_port: unknown key", 0), 0u) << only_error(load);
}

TEST(HostConfig, UnknownNestedKeyNamesItsPath) {
  auto load = parse("backends:\n  - name: a\n    driver: fake\n    optoins: {}\n");
  EXPECT_EQ(only_error(load).rfind("etc/test.yaml:4: backends[0].optoins: unknown key", 0), 0u) << only_error(load);
}

TEST(HostConfig, WrongTypeNamesFileLineAndKey) {
  auto load = parse("backends:\n  - name: a\n    driver: fake\n    disabled: sometimes\n");
  EXPECT_EQ(only_error(load), "etc/test.yaml:4: backends[0].disabled: expected a boolean, found a string");
  auto load2 = parse("backends: {a: 1}\n");
  EXPECT_EQ(only_error(load2), "etc/test.yaml:1: backends: expected a list, found a map");
}

TEST(HostConfig, MissingRequiredKeyNamesTheEntry) {
  auto load = parse("log: {level: info}\nbackends:\n  - name: a\n    options: {}\n");
  EXPECT_EQ(only_error(load), "etc/test.yaml:3: backends[0].driver: missing required key");
  auto load2 = parse("host: x\n");
  EXPECT_EQ(only_error(load2), "etc/test.yaml:1: backends: missing required key");
}

TEST(HostConfig, DuplicateBackendNameNamesBothLines) {
  auto load = parse("backends:\n  - name: a\n    driver: fake\n  - name: a\n    driver: lvm\n");
  EXPECT_EQ(only_error(load),
            "etc/test.yaml:4: backends[1].name: duplicate backend name 'a' (first defined on line 2)");
}

TEST(HostConfig, BadListenAddresses) {
  for (const char* bad : {"localhost", "127.0.0.1", "127.0.0.1:99999", "300.1.1.1:80", ":80", "127.0.0.1:http"}) {
    auto load = parse(std::string("backends: []\nlisten: ") + bad + "\n");
    EXPECT_EQ(only_error(load).rfind(std::string("etc/test.yaml:2: listen: bad listen address '") + bad + "'", 0), 0u)
        << only_error(load);
  }
  auto v6 = parse("backends: []\nlisten: '[::1]:9000'\n");
  ASSERT_TRUE(v6.config) << to_string(v6.errors);
  EXPECT_EQ(v6.config->listen_address, "::1");
  EXPECT_EQ(v6.config->listen_port, 9000);
}

TEST(HostConfig, EnumeratedValuesAreChecked) {
  auto load = parse("backends: []\nlog: {level: loud}\nauth: {strategy: kerberos}\n");
  ASSERT_EQ(load.errors.size(), 2u) << to_string(load.errors);
  EXPECT_EQ(load.errors[0].to_string().rfind("etc/test.yaml:3: auth.strategy: unknown strategy 'kerberos'", 0), 0u);
  EXPECT_EQ(load.errors[1].to_string().rfind("etc/test.yaml:2: log.level: unknown level 'loud'", 0), 0u);
}

TEST(HostConfig, TokensStrategyNeedsATokensFile) {
  auto load = parse("backends: []\nauth: {strategy: tokens}\n");
  EXPECT_EQ(only_error(load).rfind("etc/test.yaml:2: auth.tokens_file: missing required key", 0), 0u)
      << only_error(load);
}

TEST(HostConfig, InvalidNames) {
  auto load = parse("host: 'a@b'\nbackends:\n  - {name: 'x y', driver: fake}\n");
  ASSERT_EQ(load.errors.size(), 2u) << to_string(load.errors);
  EXPECT_NE(load.errors[0].to_string().find("etc/test.yaml:1: host:"), std::string::npos);
  EXPECT_NE(load.errors[1].to_string().find("etc/test.yaml:3: backends[0].name:"), std::string::npos);
}

TEST(HostConfig, SyntaxErrorNamesTheLine) {
  auto load = parse("backends:\n  - name: [unclosed\n");
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_GT(load.errors[0].line, 0);
  EXPECT_NE(load.errors[0].to_string().find("not valid YAML"), std::string::npos);
}

TEST(HostConfig, MissingFileIsAnError) {
  auto load = load_host_config("/nonexistent/snapmgr.yaml");
  EXPECT_EQ(only_error(load).rfind("/nonexistent/snapmgr.yaml: cannot read the file", 0), 0u);
}

TEST(HostConfig, ScalarTyping) {
  auto load =
      parse("backends:\n  - name: a\n    driver: fake\n    options: {i: 12, n: 1.5, b: true, s: abc, q: '12', z: ~}\n");
  ASSERT_TRUE(load.config);
  const auto& o = load.config->backends[0].options;
  EXPECT_TRUE(o.find("i")->is_int());
  EXPECT_EQ(o.find("i")->as_int(), 12);
  EXPECT_TRUE(o.find("n")->is_number());
  EXPECT_FALSE(o.find("n")->is_int());
  EXPECT_TRUE(o.find("b")->as_bool());
  EXPECT_EQ(o.find("s")->as_string(), "abc");
  EXPECT_TRUE(o.find("q")->is_string());
  EXPECT_TRUE(o.find("z")->is_null());
  EXPECT_EQ(o.find("i")->line(), 4);
}

}  // namespace
}  // namespace snapmgr::core
