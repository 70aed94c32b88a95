#include "core/adoption/request_routing.hpp"

#include "core/adoption/host_resolution.hpp"
#include "core/logging/logging.hpp"

namespace snapmgr::core {
namespace {

std::string without_pool(const std::string& value) { return value.substr(0, value.find('#')); }

std::string key_of(const VolumeServiceRow& row) { return row.host + "@" + row.backend; }

ServiceError unavailable() { return {Fault::BadRequest, kServiceUnavailable}; }

// Why another node's service cannot take a request now, or "" when it can.
std::string unusable(const ServiceView& service) {
  if (service.row.disabled) return "disabled";
  if (!service.row.backend_up) return "down: its driver failed";
  if (!service.up) return "down: last heartbeat " + service.row.updated_at;
  if (service.row.advertise_url.empty()) return "registered without an advertised URL";
  return "";
}

bool serves_host(const BackendRegistry& local, const std::string& host) {
  for (const auto& b : local.all())
    if (b->host == host) return true;
  return false;
}

bool cluster_matches(const std::string& cluster, const std::string& backend, const std::string& value) {
  return !cluster.empty() && (cluster == value || cluster + "@" + backend == value);
}

}  // namespace

ServiceResult<RequestRoute> RequestRouter::for_target(const std::string& host, const std::string& cluster,
                                                      Arrival arrival) const {
  if (host.empty() && cluster.empty()) return RequestRoute{};  // the local code answers what is missing
  const std::string value = without_pool(host.empty() ? cluster : host);
  bool local = false;
  if (!host.empty()) {
    local = value.find('@') != std::string::npos ? local_.find(value) != nullptr : serves_host(local_, value);
  } else {
    for (const auto& b : local_.all())
      if (b->up() && cluster_matches(b->cluster, b->name, value)) local = true;
  }
  if (local) return RequestRoute{};
  if (arrival == Arrival::Forwarded) {
    log().warn("a forwarded request for {} reached a node that does not serve it", value);
    return unavailable();
  }
  if (host.empty()) {
    // A local member that is down answers for the cluster (its local answer) when no other node
    // can; only a catalog that cannot be read is answered as such.
    auto remote = remote_cluster(value);
    const bool no_other =
        !remote.ok() && (remote.error().fault == Fault::NotFound || remote.error().fault == Fault::BadRequest);
    if (no_other) {
      for (const auto& b : local_.all())
        if (cluster_matches(b->cluster, b->name, value)) return RequestRoute{};
    }
    return remote;
  }
  return remote_host(value);
}

ServiceResult<RequestRoute> RequestRouter::for_backend(const std::string& key, const std::string& cluster,
                                                       Arrival arrival) const {
  const Backend* own = local_.find(key);
  if (own && (own->up() || cluster.empty())) return RequestRoute{};
  if (up_cluster_member(local_, cluster, key)) return RequestRoute{};
  if (arrival == Arrival::Forwarded) {
    if (own) return RequestRoute{};
    log().warn("a forwarded request for {} reached a node that does not serve it", key);
    return unavailable();
  }
  if (!own) {
    auto remote = remote_host(key);
    if (remote.ok() || cluster.empty()) return remote;
  }
  auto member = remote_cluster(cluster + "@" + key.substr(key.find('@') + 1));
  // This node's own backend, down, answers for itself when no other member can.
  if (own && !member.ok() && (member.error().fault == Fault::NotFound || member.error().fault == Fault::BadRequest))
    return RequestRoute{};
  return member;
}

ServiceResult<RequestRoute> RequestRouter::remote_host(const std::string& host) const {
  auto services = registry_.list_services({});
  if (!services.ok()) return services.error();
  const bool backend_level = host.find('@') != std::string::npos;
  std::string last_problem;
  for (const auto& s : *services) {
    if (backend_level ? key_of(s.row) != host : s.row.host != host) continue;
    const std::string problem = unusable(s);
    if (problem.empty()) return RequestRoute{RemoteOwner{s.row.advertise_url, backend_level ? host : s.row.host}};
    last_problem = key_of(s.row) + " is " + problem;
    // A bare host goes to its node while any of that node's services is up: the owner then
    // picks its first backend and answers for it.
    if (backend_level) break;
  }
  if (last_problem.empty()) {
    return ServiceError{Fault::NotFound, "Service cinder-volume could not be found on host " + host + "."};
  }
  log().warn("service {} cannot take the request: {}", host, last_problem);
  return unavailable();
}

ServiceResult<RequestRoute> RequestRouter::remote_cluster(const std::string& cluster) const {
  auto services = registry_.list_services({});
  if (!services.ok()) return services.error();
  bool member = false;
  for (const auto& s : *services) {
    if (!cluster_matches(s.row.cluster, s.row.backend, cluster)) continue;
    member = true;
    if (const std::string problem = unusable(s); !problem.empty()) {
      log().warn("cluster {}: skipping service {}, which is {}", cluster, key_of(s.row), problem);
      continue;
    }
    return RequestRoute{RemoteOwner{s.row.advertise_url, key_of(s.row)}};
  }
  if (!member) return ServiceError{Fault::NotFound, "Service cinder-volume could not be found."};
  return unavailable();
}

}  // namespace snapmgr::core
