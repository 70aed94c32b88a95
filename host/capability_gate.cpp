#include "host/capability_gate.hpp"

namespace snapmgr::core {

void* capability(snapmgr::Driver& driver, std::uint32_t abi_minor, snapmgr::Capability c) noexcept {
  switch (c) {
#define SNAPMGR_GATED_CASE(id, interface, name, accessor, bit, minor) \
  case snapmgr::Capability::id: return capability<snapmgr::Capability::id>(driver, abi_minor);
    SNAPMGR_CAPABILITIES(SNAPMGR_GATED_CASE)
#undef SNAPMGR_GATED_CASE
  }
  return nullptr;
}

}  // namespace snapmgr::core
