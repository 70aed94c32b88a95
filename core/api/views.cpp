#include "core/api/views.hpp"

#include <type_traits>

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>

namespace snapmgr::core::api {
namespace {

boost::json::value optional_string(const std::optional<std::string>& s, boost::json::storage_ptr sp = {}) {
  return s ? boost::json::value(*s, std::move(sp)) : boost::json::value(nullptr, std::move(sp));
}

boost::json::object metadata_json(const Metadata& metadata) {
  boost::json::object o;
  for (const auto& [k, v] : metadata) o[k] = v;
  return o;
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

boost::json::object to_json(const snapmgr::StringMap& map, boost::json::storage_ptr sp) {
  boost::json::object o(std::move(sp));
  o.reserve(map.size());
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
    volume["os-vol-host-attr:host"] = v.backend;
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

// The keys a manageable snapshot and a manageable volume share (summary: 3, detail: 6).
template <class Entry>
boost::json::object manageable_entry(const Entry& e, bool detailed, const boost::json::storage_ptr& sp) {
  boost::json::object o(sp);
  o.reserve(7);
  o["reference"] = to_json(e.reference, sp);
  o["size"] = e.size;
  o["safe_to_manage"] = e.safe_to_manage;
  if (detailed) {
    // Key order as Cinder's two views write them: they differ.
    o["reason_not_safe"] = optional_string(e.reason_not_safe, sp);
    if constexpr (std::is_same_v<Entry, VolumeListingEntry>) o["cinder_id"] = optional_string(e.cinder_id, sp);
    o["extra_info"] = e.extra_info ? boost::json::value(to_json(*e.extra_info, sp)) : boost::json::value(nullptr, sp);
    if constexpr (std::is_same_v<Entry, SnapshotListingEntry>) o["cinder_id"] = optional_string(e.cinder_id, sp);
  }
  return o;
}

// Builds the listing in one arena and serialises it: a 1,000-entry page then costs a handful of
// allocations instead of one per JSON node.
template <class Entry, class AddEntry>
std::string listing_body(const char* key, const std::vector<Entry>& entries, AddEntry add_entry) {
  boost::json::monotonic_resource arena;
  boost::json::storage_ptr sp(&arena);
  boost::json::array list(sp);
  list.reserve(entries.size());
  for (const auto& e : entries) add_entry(list, e, sp);
  boost::json::object body(sp);
  body[key] = std::move(list);
  return boost::json::serialize(body);
}

}  // namespace

std::string manageable_snapshots_body(const std::vector<SnapshotListingEntry>& entries, bool detailed) {
  return listing_body("manageable-snapshots", entries, [detailed](auto& list, const auto& e, const auto& sp) {
    auto o = manageable_entry(e, detailed, sp);
    o["source_reference"] = to_json(e.source_reference, sp);
    list.push_back(std::move(o));
  });
}

std::string manageable_volumes_body(const std::vector<VolumeListingEntry>& entries, bool detailed) {
  return listing_body("manageable-volumes", entries, [detailed](auto& list, const auto& e, const auto& sp) {
    list.push_back(manageable_entry(e, detailed, sp));
  });
}

boost::json::object versions_document(const std::string& base_url) {
  boost::json::object v3;
  v3["id"] = "v3.0";
  v3["status"] = "CURRENT";
  v3["version"] = kMaxVersion.to_string();
  v3["min_version"] = kMinVersion.to_string();
  v3["updated"] = "2022-08-31T00:00:00Z";
  v3["links"] = boost::json::array{
      {{"rel", "describedby"}, {"type", "text/html"}, {"href", "https://docs.openstack.org/"}},
      {{"rel", "self"}, {"href", base_url + "/v3/"}}};
  v3["media-types"] = boost::json::array{
      {{"base", "application/json"}, {"type", "application/vnd.openstack.volume+json;version=3"}}};
  return {{"versions", boost::json::array{std::move(v3)}}};
}

}  // namespace snapmgr::core::api
