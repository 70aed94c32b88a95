// snapmgr plugin SDK — StringMap, the string→string map used for references and extra_info.
//
// Purpose: Cinder's wire format carries references (`{"source-name": "lvol0"}`), source
// references and extra_info as JSON objects of strings. A listing may hold 100,000 of them, so
// the map is a sorted vector of pairs (one allocation, no tree nodes) rather than std::map; it
// is built only from standard types so that its layout does not depend on a Boost version.
// Keys are unique and kept in ascending order; equality compares whole maps, which is how a
// marker or a catalog reference is matched against a listed reference.
//
// Ownership/thread-safety: a value type; concurrent reads are safe, writes need exclusion.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace snapmgr {

class StringMap {
 public:
  using value_type = std::pair<std::string, std::string>;
  using const_iterator = std::vector<value_type>::const_iterator;

  StringMap() = default;
  StringMap(std::initializer_list<value_type> items) {
    for (const auto& [k, v] : items) set(k, v);
  }

  // Inserts or replaces.
  void set(std::string key, std::string value) {
    auto it = lower(key);
    if (it != items_.end() && it->first == key) {
      it->second = std::move(value);
    } else {
      items_.insert(it, {std::move(key), std::move(value)});
    }
  }

  // The value for `key`, or nullptr.
  const std::string* find(std::string_view key) const noexcept {
    auto it = std::lower_bound(items_.begin(), items_.end(), key,
                               [](const value_type& p, std::string_view k) { return p.first < k; });
    return it != items_.end() && it->first == key ? &it->second : nullptr;
  }
  bool contains(std::string_view key) const noexcept { return find(key) != nullptr; }
  bool erase(std::string_view key) {
    auto it = std::lower_bound(items_.begin(), items_.end(), key,
                               [](const value_type& p, std::string_view k) { return p.first < k; });
    if (it == items_.end() || it->first != key) return false;
    items_.erase(it);
    return true;
  }

  bool empty() const noexcept { return items_.empty(); }
  std::size_t size() const noexcept { return items_.size(); }
  const_iterator begin() const noexcept { return items_.begin(); }
  const_iterator end() const noexcept { return items_.end(); }
  void reserve(std::size_t n) { items_.reserve(n); }

  friend bool operator==(const StringMap& a, const StringMap& b) { return a.items_ == b.items_; }
  friend bool operator!=(const StringMap& a, const StringMap& b) { return !(a == b); }

 private:
  std::vector<value_type>::iterator lower(const std::string& key) {
    return std::lower_bound(items_.begin(), items_.end(), key,
                            [](const value_type& p, const std::string& k) { return p.first < k; });
  }
  std::vector<value_type> items_;
};

}  // namespace snapmgr
