#include "volume_info.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace snapmgr::nfs {

Result<VolumeInfo> VolumeInfo::parse(std::string_view text, const std::string& file_name) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  if (ec) return Error::backend(file_name + " is not valid JSON: " + ec.message());
  if (!value.is_object()) return Error::backend(file_name + " does not hold a JSON object");
  VolumeInfo info;
  info.object_ = std::move(value.as_object());
  const auto* active = info.object_.if_contains("active");
  if (!active) return Error::backend(file_name + " has no \"active\" key");
  if (!active->is_string()) return Error::backend(file_name + ": \"active\" is not a string");
  info.active_ = std::string(active->as_string());
  return info;
}

VolumeInfo VolumeInfo::fresh(const std::string& volume_file) {
  VolumeInfo info;
  info.object_["active"] = volume_file;
  info.active_ = volume_file;
  return info;
}

std::vector<std::string> VolumeInfo::ids_of(std::string_view file) const {
  std::vector<std::string> ids;
  for (const auto& [key, value] : object_) {
    if (key != "active" && value.is_string() && value.as_string() == file) ids.emplace_back(key);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::optional<std::string> VolumeInfo::file_of(std::string_view id) const {
  if (id == "active") return std::nullopt;
  const auto* value = object_.if_contains(id);
  if (!value || !value->is_string()) return std::nullopt;
  return std::string(value->as_string());
}

void VolumeInfo::record(const std::string& id, const std::string& file) { object_[id] = file; }

bool VolumeInfo::forget(const std::string& id) { return id != "active" && object_.erase(id) > 0; }

std::string VolumeInfo::serialize() const {
  std::vector<std::string_view> keys;
  keys.reserve(object_.size());
  for (const auto& item : object_) keys.push_back(item.key());
  std::sort(keys.begin(), keys.end());
  std::string out = "{";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    out += i == 0 ? "\n " : ",\n ";
    out += boost::json::serialize(boost::json::value(boost::json::string(keys[i])));
    out += ": ";
    out += boost::json::serialize(object_.at(keys[i]));
  }
  out += keys.empty() ? "}" : "\n}";
  return out;
}

}  // namespace snapmgr::nfs
