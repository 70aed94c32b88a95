#include "snapmgr/conformance/runner.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <gtest/gtest.h>
#include <boost/program_options.hpp>

#include "checks/registry.hpp"
#include "fixture_hook.hpp"
#include "host/command_runner.hpp"
#include "host/isolation/driver_worker.hpp"
#include "host/plugin_loader.hpp"
#include "snapmgr/conformance/boundary_guard.hpp"
#include "snapmgr/conformance/kit.hpp"

namespace snapmgr::conformance {
namespace po = boost::program_options;
namespace {

constexpr const char* kUsage =
    "usage: snapmgr-conformance --driver <libsnapmgr_x.so> --options <options.yaml>\n"
    "                           [--fixture-hook <hook>] [options] [GoogleTest flags]\n"
    "Checks that a snapmgr driver behaves: loads it with the host's loader, validates the options\n"
    "as snapmgrd does, and runs the conformance checks against the backend the options describe.\n"
    "With a fixture hook: 'hook setup' before the checks, 'hook reset' before each check that\n"
    "changes the backend, 'hook teardown' at the end (even when a check crashed).\n"
    "Exit status: 0 all checks passed, 1 a check failed, 2 the kit could not start,\n"
    "3 an exception escaped a driver method, 4 the driver crashed the check process.\n"
    "GoogleTest flags such as --gtest_filter=SnapshotListing.* and --gtest_list_tests work too.\n";

pid_t g_child = 0;

void forward_signal(int signal) {
  if (g_child > 0) ::kill(g_child, signal);
}

struct ParsedArgs {
  KitSettings settings;
  bool help = false;
};

// Parses what GoogleTest left over. Throws po::error on bad usage.
ParsedArgs parse(int argc, char** argv, po::options_description& options) {
  ParsedArgs parsed;
  KitSettings& s = parsed.settings;
  int call_timeout_s = 60, return_bound_ms = 5000, hook_timeout_s = 600;
  std::string isolation;
  options.add_options()("help,h", "show this help")("driver", po::value(&s.driver_path),
                                                    "the driver plugin (libsnapmgr_<name>.so)")(
      "options", po::value(&s.options_path), "the driver's options: map, as YAML")(
      "fixture-hook", po::value(&s.hook_path), "a fixture hook (setup, reset, teardown)")(
      "call-timeout-s", po::value(&call_timeout_s)->default_value(60), "deadline of each driver call")(
      "return-bound-ms", po::value(&return_bound_ms)->default_value(5000),
      "how long a call with an expired or 1 ms deadline may take to return")(
      "hook-timeout-s", po::value(&hook_timeout_s)->default_value(600), "time limit of each hook command")(
      "verbose", po::bool_switch(&s.verbose), "also print the driver's info and debug log lines")(
      "isolation", po::value(&isolation)->default_value("in_process"),
      "in_process: the driver in the check process; process: each instance in a worker process, as "
      "snapmgrd's isolation: process runs it");
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(options).run(), vm);
  po::notify(vm);
  parsed.help = vm.count("help") > 0;
  if (parsed.help) return parsed;
  if (s.driver_path.empty()) throw po::error("--driver is required");
  if (s.options_path.empty()) throw po::error("--options is required");
  if (call_timeout_s < 1 || return_bound_ms < 1 || hook_timeout_s < 1) throw po::error("timeouts must be positive");
  if (isolation != "process" && isolation != "in_process")
    throw po::error("--isolation: '" + isolation + "' is not process or in_process");
  s.in_worker = isolation == "process";
  // Absolute, so that dlopen does not search for a relative name and messages show the file.
  s.driver_path = std::filesystem::absolute(s.driver_path).lexically_normal().string();
  s.call_timeout = std::chrono::seconds(call_timeout_s);
  s.return_bound = std::chrono::milliseconds(return_bound_ms);
  s.hook_timeout = std::chrono::seconds(hook_timeout_s);
  return parsed;
}

// The check process: load, register, run. Returns the exit status.
int run_checks(const KitSettings& settings, const std::string& setup_output) {
  if (auto error = Kit::start(settings, setup_output); !error.empty()) {
    std::cerr << "snapmgr-conformance: " << error << "\n";
    return kExitCannotStart;
  }
  const Kit& kit = Kit::get();
  const DriverDescriptor& d = kit.descriptor();
  auto not_applicable = register_builtin_checks(d);
  std::cout << "snapmgr-conformance: driver '" << d.name << "' " << d.version << " (" << d.vendor << ") from "
            << kit.plugin_path() << "\n  capabilities: " << core::describe_capabilities(d.capabilities)
            << "\n  fixture hook: "
            << (kit.has_hook() ? settings.hook_path
                               : "none (each check that changes the backend gets a fresh driver instance)")
            << "\n  isolation: "
            << (settings.in_worker ? "process (each driver instance in a worker process of its own)"
                                   : "in_process (the driver in the check process)")
            << "\n";
  for (const auto& note : not_applicable) std::cout << "  not applicable: " << note << "\n";
  std::cout.flush();
  install_terminate_handler();
  return RUN_ALL_TESTS() == 0 ? kExitPassed : kExitFailed;
}

// Runs the checks in a child process and returns its exit status.
int supervise(const KitSettings& settings, const std::string& setup_output) {
  std::fflush(stdout);
  std::fflush(stderr);
  g_child = ::fork();
  if (g_child < 0) {
    std::cerr << "snapmgr-conformance: fork failed: " << std::strerror(errno) << "\n";
    return kExitCannotStart;
  }
  if (g_child == 0) {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    int status = run_checks(settings, setup_output);
    std::fflush(stdout);
    std::exit(status);
  }
  int status = 0;
  while (::waitpid(g_child, &status, 0) < 0 && errno == EINTR) {}
  g_child = 0;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  const int signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  std::cout << "[  FAILED  ] the check process died from signal " << signal << " (" << strsignal(signal)
            << "): the driver crashed; run again with --gtest_filter to find the check\n";
  return kExitCrashed;
}

}  // namespace

int run(int argc, char** argv) {
  // The kit's own driver workers (--isolation process) are this program.
  if (argc == 3 && std::string_view(argv[1]) == "--driver-worker") return core::run_driver_worker(std::atoi(argv[2]));
  ::testing::InitGoogleTest(&argc, argv);
  po::options_description options("snapmgr-conformance options");
  ParsedArgs args;
  try {
    args = parse(argc, argv, options);
  } catch (const po::error& e) {
    std::cerr << "snapmgr-conformance: " << e.what() << "\n" << kUsage << options;
    return kExitCannotStart;
  }
  if (args.help) {
    std::cout << kUsage << options;
    return kExitPassed;
  }
  KitSettings& settings = args.settings;
  const auto work_dir = std::filesystem::temp_directory_path() / ("snapmgr-conformance-" + std::to_string(::getpid()));
  std::error_code ec;
  std::filesystem::remove_all(work_dir, ec);
  std::filesystem::create_directories(work_dir / "fixture", ec);
  if (ec) {
    std::cerr << "snapmgr-conformance: cannot create " << work_dir << ": " << ec.message() << "\n";
    return kExitCannotStart;
  }
  settings.work_dir = work_dir.string();

  int status = kExitCannotStart;
  static core::ProcessCommandRunner runner;  // outlives a hook call abandoned on its thread
  std::optional<FixtureHook> hook;
  std::string setup_output;
  bool set_up = true;
  if (!settings.hook_path.empty()) {
    hook.emplace(settings.hook_path, (work_dir / "fixture").string(), runner, settings.hook_timeout);
    settings.hook_path = hook->path();
    std::cout << "snapmgr-conformance: " << hook->path() << " setup\n" << std::flush;
    auto out = hook->setup();
    if (out) {
      setup_output = std::move(*out);
    } else {
      std::cerr << "snapmgr-conformance: " << out.error().message() << "\n";
      set_up = false;
    }
  }
  if (set_up) {
    std::signal(SIGINT, forward_signal);
    std::signal(SIGTERM, forward_signal);
    status = supervise(settings, setup_output);
  }
  if (hook) {
    std::cout << "snapmgr-conformance: " << hook->path() << " teardown\n" << std::flush;
    if (auto st = hook->teardown(); !st) {
      std::cerr << "snapmgr-conformance: " << st.error().message() << "\n";
      if (status == kExitPassed) status = kExitFailed;
    }
  }
  std::filesystem::remove_all(work_dir, ec);
  return status;
}

}  // namespace snapmgr::conformance
