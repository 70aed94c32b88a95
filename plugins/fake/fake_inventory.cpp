#include "fake_inventory.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <boost/json.hpp>

namespace snapmgr::fake {
namespace json = boost::json;

namespace {

std::string uuid_from(std::mt19937_64& rng) {
  std::uint64_t a = rng(), b = rng();
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

json::object to_json(const FakeObject& o, bool snapshot) {
  json::object j;
  j["name"] = o.name;
  j["size_bytes"] = o.size_bytes;
  if (snapshot) j["origin"] = o.origin;
  j["in_use"] = o.in_use;
  if (o.reason) j["reason"] = *o.reason;
  json::object extra;
  for (const auto& [k, v] : o.extra_info) extra[k] = v;
  j["extra_info"] = std::move(extra);
  return j;
}

FakeObject from_json(const json::object& j) {
  FakeObject o;
  o.name = json::value_to<std::string>(j.at("name"));
  o.size_bytes = json::value_to<std::uint64_t>(j.at("size_bytes"));
  if (auto* origin = j.if_contains("origin")) o.origin = json::value_to<std::string>(*origin);
  if (auto* in_use = j.if_contains("in_use")) o.in_use = in_use->as_bool();
  if (auto* reason = j.if_contains("reason"); reason && reason->is_string())
    o.reason = std::string(reason->as_string());
  if (auto* extra = j.if_contains("extra_info"))
    for (const auto& [k, v] : extra->as_object()) o.extra_info.set(std::string(k), json::value_to<std::string>(v));
  return o;
}

}  // namespace

template <class T, class Hash>
std::uint32_t FakeInventory::Table<T, Hash>::id(const T& value) {
  auto [it, added] = ids.emplace(value, static_cast<std::uint32_t>(values.size()));
  if (added) values.push_back(value);
  return it->second;
}

std::size_t FakeInventory::MapHash::operator()(const StringMap& m) const noexcept {
  std::size_t h = 0;
  for (const auto& [k, v] : m) h = h * 31 + std::hash<std::string>{}(k)*7 + std::hash<std::string>{}(v);
  return h;
}

Status FakeInventory::add(FakeObject o, bool volume) {
  auto& list = volume ? volumes_ : snapshots_;
  auto [it, added] = names_.emplace(o.name, Located{volume, static_cast<std::uint32_t>(list.size())});
  if (!added) return Error::invalid_config("object name '" + o.name + "' is used twice");
  Stored s{&it->first, o.size_bytes, 0, 0, extra_infos_.id(o.extra_info), o.in_use};
  if (!volume) s.origin = origins_.id(o.origin);
  if (o.reason) s.reason = reasons_.id(*o.reason) + 1;
  list.push_back(s);
  return Status::success();
}

Status FakeInventory::add_snapshot(FakeObject o) { return add(std::move(o), false); }
Status FakeInventory::add_volume(FakeObject o) { return add(std::move(o), true); }

FakeObject FakeInventory::materialize(const Stored& s, bool volume) const {
  FakeObject o;
  o.name = *s.name;
  o.size_bytes = s.size_bytes;
  if (!volume) o.origin = origins_.values[s.origin];
  o.in_use = s.in_use;
  if (s.reason) o.reason = reasons_.values[s.reason - 1];
  o.extra_info = extra_infos_.values[s.extra_info];
  return o;
}

void FakeInventory::generate(const GenerateSpec& spec) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(spec.seed));
  constexpr std::uint64_t kGiB = 1ULL << 30;
  std::vector<std::string> volume_names;
  for (std::int64_t i = 0; i < spec.volumes; ++i) {
    FakeObject v;
    v.name = "volume-" + uuid_from(rng);
    v.size_bytes = (rng() % 200 + 1) * kGiB;
    v.in_use = rng() % 10 == 0;
    v.extra_info.set("pool", "pool-" + std::to_string(i % 4));
    volume_names.push_back(v.name);
    (void)add_volume(std::move(v));
  }
  for (std::int64_t i = 0; i < spec.snapshots; ++i) {
    FakeObject s;
    s.name = "snap-" + uuid_from(rng);
    s.size_bytes = (rng() % 100) * kGiB + rng() % kGiB + 1;  // rarely a whole number of GiB
    s.origin = volume_names.empty() ? "volume-" + uuid_from(rng) : volume_names[rng() % volume_names.size()];
    s.in_use = rng() % 20 == 0;
    if (rng() % 50 == 0) s.reason = "snapshot has dependent clones";
    s.extra_info.set("pool", "pool-" + std::to_string(i % 4));
    (void)add_snapshot(std::move(s));
  }
}

const FakeInventory::Stored* FakeInventory::find(const std::string& name, bool volume) const {
  auto it = names_.find(name);
  if (it == names_.end() || it->second.volume != volume) return nullptr;
  return &(volume ? volumes_ : snapshots_)[it->second.index];
}

std::optional<FakeObject> FakeInventory::find_snapshot(const std::string& name) const {
  const Stored* s = find(name, false);
  return s ? std::optional<FakeObject>(materialize(*s, false)) : std::nullopt;
}

std::optional<FakeObject> FakeInventory::find_volume(const std::string& name) const {
  const Stored* s = find(name, true);
  return s ? std::optional<FakeObject>(materialize(*s, true)) : std::nullopt;
}

Status FakeInventory::rename(const std::string& from, const std::string& to, bool volume) {
  const char* kind = volume ? "volume" : "snapshot";
  auto it = names_.find(from);
  if (it == names_.end() || it->second.volume != volume)
    return Error::invalid_reference(std::string(kind) + " '" + from + "' does not exist");
  if (from == to) return Status::success();
  if (names_.count(to))
    return Error::invalid_reference("cannot rename '" + from + "' to '" + to + "': the name is taken");
  auto node = names_.extract(it);
  node.key() = to;
  const auto inserted = names_.insert(std::move(node)).position;
  (volume ? volumes_ : snapshots_)[inserted->second.index].name = &inserted->first;
  if (volume) {  // as LVM: the snapshots' origin follows the rename
    auto old_origin = origins_.ids.find(from);
    if (old_origin != origins_.ids.end()) {
      const std::uint32_t old_id = old_origin->second;
      origins_.ids.erase(old_origin);
      if (auto existing = origins_.ids.find(to); existing != origins_.ids.end()) {
        for (auto& s : snapshots_)  // snapshots already named `to` as their (missing) origin
          if (s.origin == old_id) s.origin = existing->second;
      } else {
        origins_.values[old_id] = to;
        origins_.ids.emplace(to, old_id);
      }
    }
  }
  return Status::success();
}

Status FakeInventory::rename_snapshot(const std::string& from, const std::string& to) {
  return rename(from, to, false);
}
Status FakeInventory::rename_volume(const std::string& from, const std::string& to) { return rename(from, to, true); }

Status FakeInventory::save(const std::string& path) const {
  json::object doc;
  json::array snaps, vols;
  for (const auto& s : snapshots_) snaps.push_back(to_json(materialize(s, false), true));
  for (const auto& v : volumes_) vols.push_back(to_json(materialize(v, true), false));
  doc["snapshots"] = std::move(snaps);
  doc["volumes"] = std::move(vols);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << json::serialize(doc) << '\n';
    out.flush();
    if (!out) return Error::backend("cannot write fake state file '" + tmp + "'");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Error::backend("cannot replace fake state file '" + path + "': " + ec.message());
  return Status::success();
}

Result<FakeInventory> FakeInventory::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::backend("cannot read fake state file '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  try {
    auto doc = json::parse(buffer.str()).as_object();
    FakeInventory inv;
    for (const auto& s : doc.at("snapshots").as_array()) {
      if (auto st = inv.add_snapshot(from_json(s.as_object())); !st) return st.error();
    }
    for (const auto& v : doc.at("volumes").as_array()) {
      if (auto st = inv.add_volume(from_json(v.as_object())); !st) return st.error();
    }
    return inv;
  } catch (const std::exception& e) {
    return Error::invalid_config("fake state file '" + path + "' is corrupt: " + e.what());
  }
}

}  // namespace snapmgr::fake
