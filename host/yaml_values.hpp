// YAML → snapmgr::OptionValue, keeping line numbers. Plain scalars are typed the YAML 1.2 core
// way (null, true/false, integers, floats, else string); quoted scalars are always strings.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "snapmgr/options.hpp"

namespace snapmgr::core {

snapmgr::OptionValue to_option_value(const YAML::Node& node);

// 1-based line of a node (0 when yaml-cpp has no mark).
int line_of(const YAML::Node& node);

// "string", "integer", "map", ... — what a value is, for "expected X, found Y" messages.
std::string kind_name(const snapmgr::OptionValue& value);

// "a string", "an integer": a noun with its article, for messages.
std::string with_article(std::string_view noun);

}  // namespace snapmgr::core
