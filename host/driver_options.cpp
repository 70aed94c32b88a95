#include "host/driver_options.hpp"

#include "host/yaml_values.hpp"

namespace snapmgr::core {

ConfigErrors validate_driver_options(snapmgr::OptionValue& options_value, const snapmgr::DriverDescriptor& driver,
                                     const std::string& file, const std::string& path, int line) {
  ConfigErrors errors;
  auto& options = options_value.as_map();

  for (const auto& [key, value] : options) {
    const snapmgr::OptionSpec* spec = nullptr;
    for (const auto& s : driver.options) spec = s.key == key ? &s : spec;
    if (!spec) {
      std::string accepted;
      for (const auto& s : driver.options) accepted += (accepted.empty() ? "" : ", ") + s.key;
      errors.push_back({file, value.line() ? value.line() : line, path + "." + key,
                        "driver '" + driver.name + "' does not accept this option (accepted: " +
                            (accepted.empty() ? "none" : accepted) + ")"});
      continue;
    }
    if (!value.is_null() && !value.matches(spec->type)) {
      errors.push_back(
          {file, value.line(), path + "." + key,
           "expected " + with_article(snapmgr::to_string(spec->type)) + ", found " + with_article(kind_name(value))});
    }
  }
  for (const auto& spec : driver.options) {
    const snapmgr::OptionValue* value = options_value.find(spec.key);
    if (value && !value->is_null()) continue;
    if (spec.required) {
      errors.push_back({file, line, path + "." + spec.key,
                        "missing required option of driver '" + driver.name + "' (" + spec.description + ")"});
    } else if (!spec.default_value.is_null()) {
      if (value) {
        for (auto& [key, v] : options)
          if (key == spec.key) v = spec.default_value;
      } else {
        options.emplace_back(spec.key, spec.default_value);
      }
    }
  }
  return errors;
}

}  // namespace snapmgr::core
