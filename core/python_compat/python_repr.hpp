// Python's repr() and str() of a JSON value, for validation messages that must read exactly as
// Cinder's (which formats them in Python): "Value: error_volume_id. 'error_volume_id' is not a
// 'uuid'" — the value after "Value:" is str(), the one inside the jsonschema message repr().
//
// Mapping: null → None, true/false → True/False, integers as decimal, doubles with Python's
// shortest round-trip repr ('1.5', '1e+16'), strings quoted and escaped as Python does (single
// quotes unless the text holds ' and no "; \n, \t, \r, \\ and non-printable characters escaped
// as \xhh, \uhhhh, \Uhhhhhhhh), arrays as [a, b], objects as {'k': v} in document order.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace snapmgr::core::python_compat {

std::string python_repr(const boost::json::value& value);
std::string python_string_repr(std::string_view utf8);
// str(): a string as its raw text, anything else as repr().
std::string python_str(const boost::json::value& value);
std::string python_float_repr(double value);

// Decodes UTF-8 into code points; a byte that does not start a valid sequence becomes its own
// value (0x80..0xFF), so decoding never fails.
std::u32string decode_utf8(std::string_view utf8);

}  // namespace snapmgr::core::python_compat
