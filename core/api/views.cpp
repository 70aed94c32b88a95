#include "core/api/views.hpp"

#include <type_traits>

#include <boost/json/array.hpp>

#include "core/api/json_text.hpp"

namespace snapmgr::core::api {
namespace {

boost::json::value optional_string(const std::optional<std::string>& s) {
  return s ? boost::json::value(*s) : boost::json::value(nullptr);
}

std::string project_prefix(const ViewContext& ctx) {
  return ctx.project_id.empty() ? std::string() : "/" + ctx.project_id;
}

boost::json::array links(const ViewContext& ctx, const std::string& collection, const std::string& id) {
  boost::json::array out;
  out.push_back({{"rel", "self"}, {"href", ctx.base_url + "/v3" + project_prefix(ctx) + "/" + collection + "/" + id}});
  out.push_back({{"rel", "bookmark"}, {"href", ctx.base_url + project_prefix(ctx) + "/" + collection + "/" + id}});
  return out;
}

}  // namespace

boost::json::object metadata_json(const Metadata& metadata) {
  boost::json::object o;
  for (const auto& [k, v] : metadata) o[k] = v;
  return o;
}

boost::json::object to_json(const snapmgr::StringMap& map) {
  boost::json::object o;
  for (const auto& [k, v] : map) o[k] = v;
  return o;
}

boost::json::object snapshot_manage_reply(const SnapshotRecord& s) {
  boost::json::object snapshot;
  snapshot["id"] = s.id;
  snapshot["created_at"] = s.created_at;
  snapshot["updated_at"] = optional_string(s.updated_at);
  snapshot["name"] = optional_string(s.name);
  snapshot["description"] = optional_string(s.description);
  snapshot["volume_id"] = s.volume_id;
  snapshot["status"] = s.status;
  snapshot["size"] = s.size_gib;
  snapshot["metadata"] = metadata_json(s.metadata);
  return {{"snapshot", std::move(snapshot)}};
}

boost::json::object snapshot_view(const SnapshotRecord& s, const ViewContext& ctx, bool detailed) {
  boost::json::object view = snapshot_manage_reply(s);
  auto& snapshot = view["snapshot"].as_object();
  if (detailed) {
    snapshot["os-extended-snapshot-attributes:progress"] = s.progress;
    snapshot["os-extended-snapshot-attributes:project_id"] = s.project_id;
  }
  if (ctx.version >= kGroupSnapshots) snapshot["group_snapshot_id"] = nullptr;
  if (ctx.version >= kSnapshotUserId) snapshot["user_id"] = s.user_id;
  if (ctx.version >= kConsumesQuota) snapshot["consumes_quota"] = true;
  return view;
}

boost::json::object volume_summary_view(const VolumeRecord& v, const ViewContext& ctx) {
  boost::json::object volume;
  volume["id"] = v.id;
  volume["name"] = optional_string(v.name);
  volume["links"] = links(ctx, "volumes", v.id);
  return {{"volume", std::move(volume)}};
}

boost::json::object volume_view(const VolumeRecord& v, const ViewContext& ctx) {
  boost::json::object volume;
  volume["id"] = v.id;
  volume["status"] = v.status;
  volume["size"] = v.size_gib;
  volume["availability_zone"] = v.availability_zone;
  volume["created_at"] = v.created_at;
  volume["updated_at"] = optional_string(v.updated_at);
  volume["attachments"] = boost::json::array();
  volume["name"] = optional_string(v.name);
  volume["description"] = optional_string(v.description);
  volume["volume_type"] = optional_string(v.volume_type);
  volume["snapshot_id"] = nullptr;
  volume["source_volid"] = nullptr;
  volume["metadata"] = metadata_json(v.metadata);
  volume["links"] = links(ctx, "volumes", v.id);
  volume["user_id"] = v.user_id;
  volume["bootable"] = v.bootable ? "true" : "false";
  volume["encrypted"] = false;
  volume["replication_status"] = nullptr;
  volume["consistencygroup_id"] = nullptr;
  volume["multiattach"] = false;
  if (ctx.is_admin) {
    volume["os-vol-host-attr:host"] = v.pool.empty() ? v.backend : v.backend + "#" + v.pool;
    volume["os-vol-tenant-attr:tenant_id"] = v.project_id;
  }
  if (ctx.version >= ApiVersion{3, 13}) volume["group_id"] = nullptr;
  if (ctx.version >= ApiVersion{3, 61} && ctx.is_admin) {
    volume["cluster_name"] = v.cluster.empty() ? boost::json::value(nullptr) : boost::json::value(v.cluster);
  }
  if (ctx.version >= kConsumesQuota) volume["consumes_quota"] = true;
  return {{"volume", std::move(volume)}};
}

namespace {

// One entry: the keys a manageable snapshot and a manageable volume share (summary: 3, detail:
// 6, in Cinder's order for each), then the snapshot's source_reference.
template <class Entry>
void append_entry(std::string& out, const Entry& e, bool detailed) {
  out += "{\"reference\":";
  append_json_object(out, e.reference);
  out += ",\"size\":";
  out += std::to_string(e.size);
  out += e.safe_to_manage ? ",\"safe_to_manage\":true" : ",\"safe_to_manage\":false";
  if (detailed) {
    // Key order as Cinder's two views write them: they differ.
    out += ",\"reason_not_safe\":";
    append_json_nullable(out, e.reason_not_safe);
    if constexpr (std::is_same_v<Entry, VolumeListingEntry>) {
      out += ",\"cinder_id\":";
      append_json_nullable(out, e.cinder_id);
    }
    out += ",\"extra_info\":";
    if (e.extra_info)
      append_json_object(out, *e.extra_info);
    else
      out += "null";
    if constexpr (std::is_same_v<Entry, SnapshotListingEntry>) {
      out += ",\"cinder_id\":";
      append_json_nullable(out, e.cinder_id);
    }
  }
  if constexpr (std::is_same_v<Entry, SnapshotListingEntry>) {
    out += ",\"source_reference\":";
    append_json_object(out, e.source_reference);
  }
  out += '}';
}

// The body written straight into one string: a 1,000-entry page builds no JSON document.
template <class Entry>
std::string listing_body(const char* key, const std::vector<Entry>& entries, bool detailed) {
  std::string out;
  out.reserve(64 + entries.size() * (detailed ? 256 : 160));
  out += "{\"";
  out += key;
  out += "\":[";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i) out += ',';
    append_entry(out, entries[i], detailed);
  }
  out += "]}";
  return out;
}

}  // namespace

std::string manageable_snapshots_body(const std::vector<SnapshotListingEntry>& entries, bool detailed) {
  return listing_body("manageable-snapshots", entries, detailed);
}

std::string manageable_volumes_body(const std::vector<VolumeListingEntry>& entries, bool detailed) {
  return listing_body("manageable-volumes", entries, detailed);
}

boost::json::object service_view(const ServiceView& s, const ViewContext& ctx) {
  boost::json::object o;
  o["binary"] = kVolumeBinary;
  o["host"] = s.row.host + "@" + s.row.backend;
  o["zone"] = s.row.availability_zone;
  o["status"] = s.row.disabled ? "disabled" : "enabled";
  o["state"] = s.up ? "up" : "down";
  o["updated_at"] = s.row.updated_at;
  // Cinder's comes from the scheduler's pools, which leave out services that are down.
  if (ctx.version >= kBackendStateReport) o["backend_state"] = s.up && s.row.backend_up ? "up" : "down";
  // A volume service's cluster_name is "<cluster>@<backend>" (cinder/cmd/volume.py).
  if (ctx.version >= kClusterSupport) {
    o["cluster"] =
        s.row.cluster.empty() ? boost::json::value(nullptr) : boost::json::value(s.row.cluster + "@" + s.row.backend);
  }
  o["disabled_reason"] = nullptr;
  o["replication_status"] = "not-capable";  // no replication: Cinder's column default
  o["active_backend_id"] = nullptr;
  o["frozen"] = false;
  return o;
}

boost::json::object versions_document(const std::string& base_url) {
  boost::json::object v3;
  v3["id"] = "v3.0";
  v3["status"] = "CURRENT";
  v3["version"] = kMaxVersion.to_string();
  v3["min_version"] = kMinVersion.to_string();
  v3["updated"] = "2022-08-31T00:00:00Z";
  v3["links"] =
      boost::json::array{{{"rel", "describedby"}, {"type", "text/html"}, {"href", "https://docs.openstack.org/"}},
                         {{"rel", "self"}, {"href", base_url + "/v3/"}}};
  v3["media-types"] =
      boost::json::array{{{"base", "application/json"}, {"type", "application/vnd.openstack.volume+json;version=3"}}};
  return {{"versions", boost::json::array{std::move(v3)}}};
}

}  // namespace snapmgr::core::api
