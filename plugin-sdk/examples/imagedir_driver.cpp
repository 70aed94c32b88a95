// imagedir — an example snapmgr driver whose backend is a directory of image files:
//   <root>/<volume>              a volume; its size is the file's size
//   <root>/<volume>@<snapshot>   a snapshot of <volume> (ZFS-style names)
// Adopting a snapshot renames it to <volume>@snapshot-<id>, as Cinder's LVM driver renames
// LVs. Walk-through: docs/writing-a-driver.md. Build: CMakeLists.txt next to this file.
//
// Thread-safety: the methods keep no state but the root path; renames are atomic, so two
// adoptions of the same file cannot both succeed.
#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>
#include <utility>

#include <snapmgr/sdk.hpp>

namespace imagedir {
using namespace snapmgr;
namespace fs = std::filesystem;

// What a name may be. Checked before any file is touched, so "../x", "a;b", a NUL or 10,000
// characters never reach the file system, and listing shows only names adoption accepts.
bool valid_name(const std::string& s) {
  auto word = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  };
  return !s.empty() && s.size() <= 100 && word(s[0]) &&
         std::all_of(s.begin() + 1, s.end(), [&](char c) { return word(c) || c == '.' || c == '-'; });
}

// "<volume>@<snapshot>" split at '@', or nothing.
std::optional<std::pair<std::string, std::string>> split(const std::string& file) {
  const auto at = file.find('@');
  if (at == std::string::npos) return std::nullopt;
  std::string volume = file.substr(0, at), snapshot = file.substr(at + 1);
  if (!valid_name(volume) || !valid_name(snapshot)) return std::nullopt;
  return std::pair{volume, snapshot};
}

StringMap named(const std::string& name) { return StringMap{{"source-name", name}}; }

// Its capabilities are the interfaces it inherits: DriverOf answers each accessor from them, and
// the descriptor's bits come from the same list (capabilities_of below).
class ImageDirDriver final : public DriverOf<ImageDirDriver>,
                             public SnapshotDiscovery,
                             public SnapshotAdoption,
                             public VolumeDiscovery {
 public:
  ImageDirDriver(fs::path root, Logger& logger) : root_(std::move(root)), logger_(logger) {}

  // The host validated the options against the descriptor: `root` is there and is a string.
  static Result<std::unique_ptr<Driver>> create(const DriverContext& context) {
    const OptionValue& option = *context.options.find("root");
    const std::string& root = option.as_string();
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
      return Error::invalid_config(option_path("root", option) + ": '" + root + "' is not a directory");
    }
    return std::unique_ptr<Driver>(std::make_unique<ImageDirDriver>(root, context.logger));
  }

  Status stream_snapshots(const Call& call, SnapshotSink& out) noexcept override {
    return scan(call, [&](const std::string& file, std::uint64_t size) {
      if (auto parts = split(file)) out.add(snapshot_record(file, parts->first, size));
    });
  }

  Status stream_volumes(const Call& call, VolumeSink& out) noexcept override {
    return scan(call, [&](const std::string& file, std::uint64_t size) {
      if (valid_name(file)) out.add(ManageableVolume{named(file), size, false, std::nullopt, {}});
    });
  }

  Result<ManageableSnapshot> inspect_snapshot(const Call& call, const StringMap& reference,
                                              const StringMap& volume_reference) noexcept override {
    return guarded("imagedir: inspect_snapshot", [&]() -> Result<ManageableSnapshot> {
      if (call.expired()) return Error::timeout("inspecting a snapshot: the call's deadline has passed");
      const std::string* file = reference.find("source-name");
      auto parts = file ? split(*file) : std::nullopt;
      if (!parts) {
        return Error::invalid_reference(
            "expected {\"source-name\": \"<volume>@<snapshot>\"} with names of "
            "A-Z a-z 0-9 _ . - (at most 100 each)");
      }
      std::error_code ec;
      const auto size = fs::file_size(root_ / *file, ec);
      if (ec) return Error::invalid_reference("snapshot '" + *file + "' does not exist in " + root_.string());
      const std::string* volume = volume_reference.find("source-name");
      if (!volume || *volume != parts->first) {
        return Error::invalid_reference("'" + *file + "' is a snapshot of volume '" + parts->first +
                                        "', not of the volume given");
      }
      return snapshot_record(*file, parts->first, size);
    });
  }

  Result<StringMap> adopt_snapshot(const Call& call, const StringMap& reference, const StringMap& volume_reference,
                                   const std::string& snapshot_id) noexcept override {
    return guarded("imagedir: adopt_snapshot", [&]() -> Result<StringMap> {
      if (!valid_name(snapshot_id)) return Error::invalid_reference("snapshot id '" + snapshot_id + "' is not a UUID");
      const std::string* file = reference.find("source-name");
      auto parts = file ? split(*file) : std::nullopt;
      const std::string new_name = parts ? parts->first + "@snapshot-" + snapshot_id : std::string();
      std::error_code ec;
      auto inspected = inspect_snapshot(call, reference, volume_reference);
      if (!inspected) {
        // A repeat of an adoption that happened (the host crashed before recording it): done.
        if (parts && fs::is_regular_file(root_ / new_name, ec)) return named(new_name);
        return inspected.error();
      }
      const std::string old_name = *file;
      if (fs::exists(root_ / new_name, ec)) return Error::already_managed("'" + new_name + "' exists already");
      fs::rename(root_ / old_name, root_ / new_name, ec);
      if (ec == std::errc::no_such_file_or_directory) {
        return Error::invalid_reference("snapshot '" + old_name + "' was renamed meanwhile");
      }
      if (ec) return Error::backend("renaming '" + old_name + "' in " + root_.string() + ": " + ec.message());
      logger_.info("imagedir: adopted " + old_name + " as " + new_name);
      return named(new_name);
    });
  }

 private:
  // Calls `visit(file name, size)` for each regular file in the root; empty files are not images.
  template <class Visit>
  Status scan(const Call& call, Visit visit) noexcept {
    return guarded("imagedir: listing " + root_.string(), [&]() -> Status {
      if (call.expired()) return Error::timeout("listing " + root_.string() + ": the call's deadline has passed");
      for (const auto& entry : fs::directory_iterator(root_)) {
        std::error_code ec;
        const auto size = entry.is_regular_file(ec) ? entry.file_size(ec) : 0;
        if (!ec && size > 0) visit(entry.path().filename().string(), size);
      }
      return Status::success();
    });
  }

  static ManageableSnapshot snapshot_record(const std::string& file, const std::string& volume, std::uint64_t size) {
    return ManageableSnapshot{named(file), size, named(volume), false, std::nullopt, {{"format", "raw"}}};
  }

  const fs::path root_;
  Logger& logger_;
};

const DriverDescriptor* descriptor() {
  static const DriverDescriptor d{
      current_header(),
      "imagedir",
      "Example Storage Inc.",
      "1.0.0",
      capabilities_of<ImageDirDriver>(),
      {{"root", OptionType::String, true, {}, "the directory holding the image files"}},
      &ImageDirDriver::create,
  };
  return &d;
}

}  // namespace imagedir

SNAPMGR_EXPORT_DRIVER(imagedir::descriptor)
