#include "core/adoption/host_resolution.hpp"

#include "core/logging/logging.hpp"

namespace snapmgr::core {

const char* const kServiceUnavailable = "Service is unavailable at this time.";

namespace {

std::string without_pool(const std::string& value) { return value.substr(0, value.find('#')); }

ServiceError not_found_on(const std::string& host) {
  return {Fault::NotFound, "Service cinder-volume could not be found on host " + host + "."};
}

ServiceResult<const Backend*> usable(const Backend* backend) {
  if (!backend->up()) {
    log().warn("backend {} is {}: {}", backend->key, to_string(backend->state),
               backend->down_reason.empty() ? "disabled by configuration" : backend->down_reason);
    return ServiceError{Fault::BadRequest, kServiceUnavailable};
  }
  return backend;
}

}  // namespace

ServiceResult<const Backend*> resolve_backend(const BackendRegistry& registry, const std::string& host) {
  const std::string value = without_pool(host);
  if (value.find('@') != std::string::npos) {
    if (const Backend* b = registry.find(value)) return usable(b);
    return not_found_on(value);
  }
  for (const auto& b : registry.all())
    if (b->host == value) return usable(b.get());
  return not_found_on(value);
}

ServiceResult<const Backend*> resolve_one_backend(const BackendRegistry& registry, const std::string& host,
                                                  const std::string& cluster) {
  if (!host.empty()) return resolve_backend(registry, host);
  auto members = resolve_listing_backends(registry, host, cluster);
  if (!members.ok()) return members.error();
  return members->front();
}

ServiceResult<const Backend*> backend_of_row(const BackendRegistry& registry, const std::string& key,
                                             const std::string& cluster) {
  const Backend* own = registry.find(key);
  if (own && (own->up() || cluster.empty())) return usable(own);
  if (const Backend* member = up_cluster_member(registry, cluster, key)) return member;
  if (own) return usable(own);
  return not_found_on(key);
}

const Backend* up_cluster_member(const BackendRegistry& registry, const std::string& cluster, const std::string& key) {
  if (cluster.empty()) return nullptr;
  const std::string name = key.substr(key.find('@') + 1);
  for (const auto& b : registry.all())
    if (b->up() && b->cluster == cluster && b->name == name) return b.get();
  return nullptr;
}

ServiceResult<std::vector<const Backend*>> resolve_listing_backends(const BackendRegistry& registry,
                                                                    const std::string& host,
                                                                    const std::string& cluster) {
  if (!host.empty()) {
    auto b = resolve_backend(registry, host);
    if (!b.ok()) return b.error();
    return std::vector<const Backend*>{*b};
  }
  const std::string value = without_pool(cluster);
  std::vector<const Backend*> members;
  for (const auto& b : registry.all()) {
    if (b->cluster.empty()) continue;
    if (b->cluster == value || b->cluster + "@" + b->name == value) members.push_back(b.get());
  }
  if (members.empty()) return ServiceError{Fault::NotFound, "Service cinder-volume could not be found."};
  std::vector<const Backend*> up;
  for (const Backend* b : members) {
    if (b->up())
      up.push_back(b);
    else
      log().warn("cluster {}: skipping backend {} ({})", value, b->key, to_string(b->state));
  }
  if (up.empty()) return ServiceError{Fault::BadRequest, kServiceUnavailable};
  return up;
}

}  // namespace snapmgr::core
