#include "options_file.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "host/config_error.hpp"
#include "host/driver_options.hpp"
#include "host/yaml_values.hpp"

namespace snapmgr::conformance {
namespace {

// The YAML text as an option map; `origin` names the text in messages.
OptionsLoad parse_map(const std::string& text, const std::string& origin) {
  OptionsLoad load;
  YAML::Node node;
  try {
    node = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    load.error =
        core::ConfigError{origin, e.mark.line >= 0 ? e.mark.line + 1 : 0, "", "not valid YAML: " + e.msg}.to_string();
    return load;
  }
  if (!node || node.IsNull()) {
    load.options = OptionValue(OptionValue::Map{});
    return load;
  }
  if (!node.IsMap()) {
    load.error = core::ConfigError{origin, core::line_of(node), "",
                                   "expected a map of driver options, found " +
                                       core::with_article(core::kind_name(core::to_option_value(node)))}
                     .to_string();
    return load;
  }
  std::set<std::string> seen;
  for (const auto& entry : node) {
    if (!seen.insert(entry.first.Scalar()).second) {
      load.error =
          core::ConfigError{origin, core::line_of(entry.first), entry.first.Scalar(), "duplicate key"}.to_string();
      return load;
    }
  }
  load.options = core::to_option_value(node);
  return load;
}

}  // namespace

std::string substitute_fixture_dir(std::string text, std::string_view fixture_dir) {
  for (auto at = text.find(kFixtureDirVariable); at != std::string::npos;
       at = text.find(kFixtureDirVariable, at + fixture_dir.size())) {
    text.replace(at, kFixtureDirVariable.size(), fixture_dir);
  }
  return text;
}

OptionsLoad load_driver_options(const std::string& path, std::string_view fixture_dir, std::string_view setup_output,
                                const DriverDescriptor& driver) {
  std::ifstream in(path);
  if (!in) return OptionsLoad{std::nullopt, path + ": cannot read the options file"};
  std::stringstream text;
  text << in.rdbuf();
  OptionsLoad load = parse_map(substitute_fixture_dir(text.str(), fixture_dir), path);
  if (!load.options) return load;

  OptionsLoad from_setup = parse_map(std::string(setup_output), "output of 'hook setup'");
  if (!from_setup.options) return from_setup;
  auto& merged = load.options->as_map();
  std::set<std::string> from_setup_keys;
  for (auto& [key, value] : from_setup.options->as_map()) {
    from_setup_keys.insert(key);
    bool replaced = false;
    for (auto& [existing, old] : merged) {
      if (existing == key) {
        old = value;
        replaced = true;
      }
    }
    if (!replaced) merged.emplace_back(key, value);
  }

  auto errors = core::validate_driver_options(*load.options, driver, path, "options", 0);
  for (auto& e : errors) {
    // A value hook setup printed is located in its output, not in the file.
    if (e.key.rfind("options.", 0) == 0 && from_setup_keys.count(e.key.substr(8))) e.file = "output of 'hook setup'";
  }
  if (!errors.empty()) {
    std::string text_errors = core::to_string(errors);
    if (!text_errors.empty() && text_errors.back() == '\n') text_errors.pop_back();
    return OptionsLoad{std::nullopt, text_errors};
  }
  return load;
}

}  // namespace snapmgr::conformance
