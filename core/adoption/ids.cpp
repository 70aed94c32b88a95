#include "core/adoption/ids.hpp"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

namespace snapmgr::core {

std::string new_uuid() {
  thread_local boost::uuids::random_generator generator;  // not thread-safe: one per thread
  return boost::uuids::to_string(generator());
}

}  // namespace snapmgr::core
