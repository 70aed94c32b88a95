#include "fake_options.hpp"

#include <initializer_list>
#include <string_view>

namespace snapmgr::fake {
namespace {

Status only_keys(const OptionValue& map, const std::string& path, std::initializer_list<std::string_view> keys) {
  for (const auto& [key, value] : map.as_map()) {
    bool ok = false;
    for (auto k : keys) ok = ok || k == key;
    if (!ok) return Error::invalid_config(option_path(path + "." + key, value) + ": unknown key");
  }
  return Status::success();
}

Result<FakeObject> parse_object(const OptionValue& item, const std::string& path, bool snapshot) {
  if (!item.is_map()) return Error::invalid_config(option_path(path, item) + ": expected a map");
  auto keys = snapshot ? only_keys(item, path, {"name", "size_bytes", "origin", "in_use", "reason", "extra_info"})
                       : only_keys(item, path, {"name", "size_bytes", "in_use", "reason", "extra_info"});
  if (!keys) return keys.error();
  FakeObject o;
  const OptionValue* name = item.find("name");
  if (!name || !name->is_string() || name->as_string().empty())
    return Error::invalid_config(option_path(path + ".name", item) + ": a non-empty string is required");
  o.name = name->as_string();
  const OptionValue* size = item.find("size_bytes");
  if (!size || !size->is_int() || size->as_int() < 0)
    return Error::invalid_config(option_path(path + ".size_bytes", item) + ": a non-negative integer is required");
  o.size_bytes = static_cast<std::uint64_t>(size->as_int());
  if (snapshot) {
    const OptionValue* origin = item.find("origin");
    if (!origin || !origin->is_string() || origin->as_string().empty())
      return Error::invalid_config(option_path(path + ".origin", item) + ": the origin volume's name is required");
    o.origin = origin->as_string();
  }
  if (const OptionValue* in_use = item.find("in_use"); in_use && !in_use->is_null()) {
    if (!in_use->is_bool())
      return Error::invalid_config(option_path(path + ".in_use", *in_use) + ": expected true or false");
    o.in_use = in_use->as_bool();
  }
  if (const OptionValue* reason = item.find("reason"); reason && !reason->is_null()) {
    if (!reason->is_string())
      return Error::invalid_config(option_path(path + ".reason", *reason) + ": expected a string or null");
    o.reason = reason->as_string();
  }
  if (const OptionValue* extra = item.find("extra_info"); extra && !extra->is_null()) {
    if (!extra->is_map())
      return Error::invalid_config(option_path(path + ".extra_info", *extra) + ": expected a map of strings");
    for (const auto& [k, v] : extra->as_map()) {
      if (v.is_string())
        o.extra_info.set(k, v.as_string());
      else if (v.is_int())
        o.extra_info.set(k, std::to_string(v.as_int()));
      else if (v.is_bool())
        o.extra_info.set(k, v.as_bool() ? "true" : "false");
      else
        return Error::invalid_config(option_path(path + ".extra_info." + k, v) + ": expected a string");
    }
  }
  return o;
}

Result<Fault> parse_fault(const std::string& op, const OptionValue& v) {
  const std::string path = "faults." + op;
  bool known = false;
  for (auto k : kFaultOperations) known = known || op == k;
  if (!known) {
    std::string ops;
    for (auto k : kFaultOperations) ops += (ops.empty() ? "" : ", ") + std::string(k);
    return Error::invalid_config(option_path(path, v) + ": unknown operation (accepted: " + ops + ")");
  }
  if (!v.is_map())
    return Error::invalid_config(option_path(path, v) +
                                 ": expected a map with error, delay_ms, sleep_ms, hang, crash or exit");
  if (auto st = only_keys(v, path, {"error", "delay_ms", "sleep_ms", "hang", "crash", "exit"}); !st) return st.error();
  Fault f;
  if (const auto* e = v.find("error"); e && !e->is_null()) {
    if (!e->is_string()) return Error::invalid_config(option_path(path + ".error", *e) + ": expected a string");
    f.error = e->as_string();
  }
  if (const auto* d = v.find("delay_ms"); d && !d->is_null()) {
    if (!d->is_int() || d->as_int() < 0)
      return Error::invalid_config(option_path(path + ".delay_ms", *d) + ": expected a non-negative integer");
    f.delay_ms = d->as_int();
  }
  if (const auto* d = v.find("sleep_ms"); d && !d->is_null()) {
    if (!d->is_int() || d->as_int() < 0)
      return Error::invalid_config(option_path(path + ".sleep_ms", *d) + ": expected a non-negative integer");
    f.sleep_ms = d->as_int();
  }
  if (const auto* h = v.find("hang"); h && !h->is_null()) {
    if (!h->is_bool()) return Error::invalid_config(option_path(path + ".hang", *h) + ": expected true or false");
    f.hang = h->as_bool();
  }
  if (const auto* c = v.find("crash"); c && !c->is_null()) {
    if (!c->is_bool()) return Error::invalid_config(option_path(path + ".crash", *c) + ": expected true or false");
    f.crash = c->as_bool();
  }
  if (const auto* e = v.find("exit"); e && !e->is_null()) {
    if (!e->is_int() || e->as_int() < 0 || e->as_int() > 255)
      return Error::invalid_config(option_path(path + ".exit", *e) + ": expected an exit status from 0 to 255");
    f.exit = static_cast<int>(e->as_int());
  }
  return f;
}

}  // namespace

Result<FakeConfig> parse_fake_options(const OptionValue& options) {
  FakeConfig config;
  if (const auto* list = options.find("snapshots"); list && list->is_list()) {
    for (std::size_t i = 0; i < list->as_list().size(); ++i) {
      auto o = parse_object(list->as_list()[i], "snapshots[" + std::to_string(i) + "]", true);
      if (!o) return o.error();
      if (auto st = config.inventory.add_snapshot(std::move(*o)); !st)
        return Error::invalid_config("snapshots[" + std::to_string(i) + "]: " + st.error().message());
    }
  }
  if (const auto* list = options.find("volumes"); list && list->is_list()) {
    for (std::size_t i = 0; i < list->as_list().size(); ++i) {
      auto o = parse_object(list->as_list()[i], "volumes[" + std::to_string(i) + "]", false);
      if (!o) return o.error();
      if (auto st = config.inventory.add_volume(std::move(*o)); !st)
        return Error::invalid_config("volumes[" + std::to_string(i) + "]: " + st.error().message());
    }
  }
  if (const auto* gen = options.find("generate"); gen && gen->is_map()) {
    if (auto st = only_keys(*gen, "generate", {"snapshots", "volumes", "seed"}); !st) return st.error();
    GenerateSpec spec;
    for (auto [key, target] : {std::pair{"snapshots", &spec.snapshots}, std::pair{"volumes", &spec.volumes},
                               std::pair{"seed", &spec.seed}}) {
      const auto* v = gen->find(key);
      if (!v || v->is_null()) continue;
      if (!v->is_int() || v->as_int() < 0 || v->as_int() > 10'000'000)
        return Error::invalid_config(option_path(std::string("generate.") + key, *v) +
                                     ": expected an integer from 0 to 10000000");
      *target = v->as_int();
    }
    config.inventory.generate(spec);
  }
  if (const auto* faults = options.find("faults"); faults && faults->is_map()) {
    for (const auto& [op, v] : faults->as_map()) {
      auto f = parse_fault(op, v);
      if (!f) return f.error();
      config.faults[op] = *f;
    }
  }
  if (const auto* file = options.find("state_file"); file && file->is_string()) config.state_file = file->as_string();
  return config;
}

}  // namespace snapmgr::fake
