// Endpoints of the volumes and snapshots resources (reads), and os-services.
#include <boost/algorithm/string/case_conv.hpp>
#include <boost/json/array.hpp>

#include "core/api/endpoints.hpp"

namespace snapmgr::core::api {
namespace {

// oslo strutils.bool_from_string (not strict): what Cinder does with `all_tenants`.
bool truthy(const std::optional<std::string>& value) {
  if (!value) return false;
  std::string v = boost::algorithm::to_lower_copy(*value);
  return v == "1" || v == "t" || v == "true" || v == "on" || v == "y" || v == "yes";
}

std::optional<std::string> listed_project(const EndpointRequest& r) {
  if (r.identity.is_admin && truthy(r.query.first("all_tenants"))) return std::nullopt;
  return r.identity.project_id;
}

}  // namespace

Endpoints::Reply Endpoints::show_volume(const EndpointRequest& r) const {
  auto volume = visible_volume(r.route.id, r);
  if (!volume) return volume.error();
  return json_response(200, volume_view(*volume, r.view));
}

Endpoints::Reply Endpoints::list_volumes(const EndpointRequest& r, bool detailed) const {
  VolumeFilter filter;
  filter.project_id = listed_project(r);
  filter.name = r.query.first("name");
  auto volumes = service_.list_volumes(filter);
  if (!volumes) return to_api_error(volumes.error());
  boost::json::array list;
  for (const auto& v : *volumes) {
    auto view = detailed ? volume_view(v, r.view) : volume_summary_view(v, r.view);
    list.push_back(std::move(view["volume"]));
  }
  return json_response(200, {{"volumes", std::move(list)}});
}

Endpoints::Reply Endpoints::show_snapshot(const EndpointRequest& r) const {
  auto snapshot = visible_snapshot(r.route.id, r);
  if (!snapshot) return snapshot.error();
  return json_response(200, snapshot_view(*snapshot, r.view, true));
}

Endpoints::Reply Endpoints::list_snapshots(const EndpointRequest& r, bool detailed) const {
  SnapshotFilter filter;
  filter.project_id = listed_project(r);
  filter.volume_id = r.query.first("volume_id");
  auto snapshots = service_.list_snapshots(filter);
  if (!snapshots) return to_api_error(snapshots.error());
  boost::json::array list;
  for (const auto& s : *snapshots) list.push_back(std::move(snapshot_view(s, r.view, detailed)["snapshot"]));
  return json_response(200, {{"snapshots", std::move(list)}});
}

// Cinder's ServiceController.index: admin only; `host` and `binary` read with webob's
// req.GET[...] (the last value); an empty host filters nothing, an empty binary matches nothing.
Endpoints::Reply Endpoints::list_services(const EndpointRequest& r) const {
  if (auto denied = authorize(kListServices, r)) return *denied;
  ServiceFilter filter;
  filter.host = r.query.last("host");
  filter.binary = r.query.last("binary");
  auto services = service_.list_services(filter);
  if (!services) return to_api_error(services.error());
  boost::json::array list;
  for (const auto& s : *services) list.push_back(service_view(s, r.view));
  return json_response(200, {{"services", std::move(list)}});
}

}  // namespace snapmgr::core::api
