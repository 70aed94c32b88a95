// Unicode facts that Cinder's validation messages depend on, generated from the Python that
// Debian's Cinder runs on (unicode_tables_gen.py writes unicode_tables.cpp; regenerate it rather
// than editing it).
//
// Thread-safety: immutable tables; every function may be called from any thread.
#pragma once

#include <string>

namespace snapmgr::core::python_compat {

// Cinder's description rule: category not C* and not Z* except Zs, and only in the BMP
// (Cinder builds its regex over code points 0..0xFFFE, so an emoji fails it).
bool is_cinder_printable(char32_t code_point);

// Python's str.isprintable() for one code point: decides whether repr() escapes it.
bool is_python_printable(char32_t code_point);

// repr() of Cinder's description regex, as jsonschema prints it in "'…' does not match …".
const std::string& cinder_description_pattern_repr();

}  // namespace snapmgr::core::python_compat
