// The lvm driver with a scripted lvm2 (fake_lvm_test.hpp): the exact commands and environment,
// in-use detection from a recorded report (real lvm2 cannot show open LVs without
// device-mapper), Cinder's naming on adoption, wrong kinds and origins, and hostile names that
// must start no process. tests/lvm runs the same driver on real lvm2.
#include <map>
#include <thread>

#include "fake_lvm_test.hpp"

namespace snapmgr::testing {
namespace {

namespace fs = std::filesystem;

TEST_F(LvmDriverTest, DescriptorDeclaresFourCapabilitiesAndItsOptions) {
  fake_lvm(kRecordedLvm);
  auto d = load();
  ASSERT_TRUE(d);
  const auto& desc = *d->plugin.descriptor;
  EXPECT_EQ(desc.name, "lvm");
  EXPECT_NE((*d)->snapshot_discovery(), nullptr);
  EXPECT_NE((*d)->snapshot_adoption(), nullptr);
  EXPECT_EQ((*d)->snapshot_release(), nullptr);  // unmanage leaves the LV as it is, as Cinder
  EXPECT_NE((*d)->volume_discovery(), nullptr);
  EXPECT_NE((*d)->volume_adoption(), nullptr);
  std::map<std::string, const OptionSpec*> specs;
  for (const auto& s : desc.options) specs[s.key] = &s;
  ASSERT_EQ(specs.size(), 6u);
  EXPECT_TRUE(specs.at("volume_group")->required);
  EXPECT_EQ(specs.at("lvm_binary")->default_value.as_string(), "lvm");
  EXPECT_TRUE(specs.at("lvm_system_dir")->default_value.is_null());
  EXPECT_EQ(specs.at("command_timeout_s")->default_value.as_int(), 30);
  EXPECT_EQ(specs.at("snapshot_name_template")->default_value.as_string(), "snapshot-%s");
  EXPECT_EQ(specs.at("volume_name_template")->default_value.as_string(), "volume-%s");
}

TEST_F(LvmDriverTest, BadOptionsFailInitialisationNamingTheKey) {
  struct Case {
    std::string options;
    std::string expected;
  };
  const std::string dir = (dir_ / "etc-lvm").string();
  for (const auto& c : std::vector<Case>{
           {"{lvm_binary: lvm}", "volume_group"},
           {"{volume_group: 'vg/0'}", "volume_group (line 4): 'vg/0' is not a volume group name"},
           {"{volume_group: '-vg'}", "starts with '-'"},
           {"{volume_group: vg0, command_timeout_s: 0}", "command_timeout_s (line 4): 0 is out of range"},
           {"{volume_group: vg0, command_timeout_s: 99999}", "out of range"},
           {"{volume_group: vg0, lvm_binary: ''}", "lvm_binary (line 4): expected a program name"},
           {"{volume_group: vg0, lvm_system_dir: /nonexistent/etc-lvm}", "is not a directory"},
           {"{volume_group: vg0, snapshot_name_template: snap}",
            "snapshot_name_template (line 4): 'snap' must contain \"%s\""},
           {"{volume_group: vg0, snapshot_name_template: '%s-%s'}", "exactly once"},
           {"{volume_group: vg0, snapshot_name_template: '%d-%s'}", "no other '%'"},
           {"{volume_group: vg0, volume_name_template: 'snapshot-%s'}", "starts with \"snapshot\""},
           {"{volume_group: vg0, volume_name_template: 'v_tdata-%s'}", "contains \"_tdata\""},
           {"{volume_group: vg0, snapshot_name_template: 's/%s'}", "contains '/'"},
       }) {
    auto r = load_test_driver(kPlugin, c.options);
    EXPECT_FALSE(r.driver) << c.options;
    EXPECT_NE(r.error.find(c.expected), std::string::npos) << c.options << " -> " << r.error;
  }
  EXPECT_TRUE(load_test_driver(kPlugin, "{volume_group: vg0, lvm_system_dir: " + dir + "}").driver);
}

TEST_F(LvmDriverTest, ListingRunsOneLvsWithTheDocumentedArgvAndEnvironment) {
  fake_lvm(kRecordedLvm);
  auto d = load();
  ASSERT_TRUE(d);
  ASSERT_TRUE(list_snapshots(*(*d)->snapshot_discovery(), test_call()).ok());
  EXPECT_EQ(calls(), (std::vector<std::string>{kLvsPrefix + "vg0"}));
  ASSERT_TRUE(list_volumes(*(*d)->volume_discovery(), test_call()).ok());
  EXPECT_EQ(calls().size(), 2u);
  EXPECT_EQ(read_file(dir_ / "env.log"),
            (dir_ / "etc-lvm").string() + "|C|1\n" + (dir_ / "etc-lvm").string() + "|C|1\n");
}

TEST_F(LvmDriverTest, WithoutLvmSystemDirTheVariableIsNotSet) {
  fake_lvm(kRecordedLvm);
  auto r = load_test_driver(kPlugin, "{volume_group: vg0, lvm_binary: " + (dir_ / "lvm").string() + "}");
  ASSERT_TRUE(r.driver) << r.error;
  ::unsetenv("LVM_SYSTEM_DIR");
  ASSERT_TRUE(list_snapshots(*(*r.driver)->snapshot_discovery(), test_call()).ok());
  EXPECT_EQ(read_file(dir_ / "env.log"), "unset|C|1\n");
}

TEST_F(LvmDriverTest, InUseComesFromTheOpenAttribute) {
  fake_lvm(kRecordedLvm);
  auto d = load();
  ASSERT_TRUE(d);
  auto snaps = list_snapshots(*(*d)->snapshot_discovery(), test_call());
  ASSERT_TRUE(snaps.ok()) << snaps.error().message();
  std::map<std::string, const ManageableSnapshot*> by_name;
  for (const auto& s : *snaps) by_name[*s.reference.find("source-name")] = &s;
  ASSERT_EQ(by_name.size(), 5u);
  EXPECT_TRUE(by_name.at("snap-a1")->in_use);
  EXPECT_TRUE(by_name.at("thin-snap")->in_use);
  EXPECT_FALSE(by_name.at("snap-a2")->in_use);
  EXPECT_FALSE(by_name.at("snap-b1")->in_use);
  EXPECT_FALSE(by_name.at("_snapshot-1f0c55aa-54c1-4f1e-8d0f-6a3b2c1d0e9f")->in_use);
  EXPECT_EQ(by_name.at("snap-a1")->size_bytes, 8388608u);
  EXPECT_EQ(by_name.at("snap-a1")->source_reference, source_name("vol-a"));
  EXPECT_EQ(*by_name.at("thin-snap")->extra_info.find("type"), "thin");

  auto vols = list_volumes(*(*d)->volume_discovery(), test_call());
  ASSERT_TRUE(vols.ok());
  std::map<std::string, bool> in_use;
  for (const auto& v : *vols) in_use[*v.reference.find("source-name")] = v.in_use;
  EXPECT_EQ(in_use, (std::map<std::string, bool>{{"thin-vol", false},
                                                 {"vol-a", false},
                                                 {"vol-b", true},
                                                 {"volume-0b7e8a7c-4a43-4e7e-9f5a-3d7d7d2f0c11", false}}));

  auto inspected =
      (*d)->snapshot_adoption()->inspect_snapshot(test_call(), source_name("snap-a1"), source_name("vol-a"));
  ASSERT_TRUE(inspected.ok()) << inspected.error().message();
  EXPECT_TRUE(inspected->in_use);
  auto volume = (*d)->volume_adoption()->inspect_volume(test_call(), source_name("vol-b"));
  ASSERT_TRUE(volume.ok());
  EXPECT_TRUE(volume->in_use);
}

TEST_F(LvmDriverTest, InspectRunsOneLvsForThatLv) {
  fake_lvm(kRecordedLvm);
  auto d = load();
  ASSERT_TRUE(d);
  auto s = (*d)->snapshot_adoption()->inspect_snapshot(test_call(), source_name("snap-b1"), source_name("vol-b"));
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_EQ(s->reference, source_name("snap-b1"));
  EXPECT_EQ(s->size_bytes, 4194304u);
  EXPECT_EQ(calls(), (std::vector<std::string>{kLvsPrefix + "vg0/snap-b1"}));
}

TEST_F(LvmDriverTest, AdoptRenamesWithCindersNames) {
  fake_lvm(kRecordedLvm);
  auto d = load();
  ASSERT_TRUE(d);
  auto snap = (*d)->snapshot_adoption()->adopt_snapshot(test_call(), source_name("snap-a2"), source_name("vol-a"), kId);
  ASSERT_TRUE(snap.ok()) << snap.error().message();
  EXPECT_EQ(*snap, source_name("_snapshot-" + kId));
  auto vol = (*d)->volume_adoption()->adopt_volume(test_call(), source_name("vol-a"), kId);
  ASSERT_TRUE(vol.ok()) << vol.error().message();
  EXPECT_EQ(*vol, source_name("volume-" + kId));
  EXPECT_EQ(calls(), (std::vector<std::string>{kLvsPrefix + "vg0/snap-a2", "lvrename vg0 snap-a2 _snapshot-" + kId,
                                               kLvsPrefix + "vg0/vol-a", "lvrename vg0 vol-a volume-" + kId}));
}

TEST_F(LvmDriverTest, AdoptHonoursTheTemplates) {
  fake_lvm(kRecordedLvm);
  auto d = load("snapshot_name_template: 'snap-%s-x', volume_name_template: 'vol_%s'");
  ASSERT_TRUE(d);
  auto snap =
      (*d)->snapshot_adoption()->adopt_snapshot(test_call(), source_name("thin-snap"), source_name("thin-vol"), "7");
  ASSERT_TRUE(snap.ok()) << snap.error().message();
  EXPECT_EQ(*snap, source_name("snap-7-x"));  // not escaped: it does not start with "snapshot"
  auto vol = (*d)->volume_adoption()->adopt_volume(test_call(), source_name("thin-vol"), "7");
  ASSERT_TRUE(vol.ok());
  EXPECT_EQ(*vol, source_name("vol_7"));
  auto escaped = load("snapshot_name_template: 'snapshot_%s'");
  ASSERT_TRUE(escaped);
  auto e =
      (*escaped)->snapshot_adoption()->adopt_snapshot(test_call(), source_name("snap-a1"), source_name("vol-a"), "7");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e, source_name("_snapshot_7"));
}

TEST_F(LvmDriverTest, AdoptingAnLvThatAlreadyHasItsNameRenamesNothing) {
  fake_lvm(kRecordedLvm);
  auto d = load();
  ASSERT_TRUE(d);
  const std::string id = "1f0c55aa-54c1-4f1e-8d0f-6a3b2c1d0e9f";
  auto r = (*d)->snapshot_adoption()->adopt_snapshot(test_call(), source_name("_snapshot-" + id),
                                                     source_name("volume-0b7e8a7c-4a43-4e7e-9f5a-3d7d7d2f0c11"), id);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(*r, source_name("_snapshot-" + id));
  EXPECT_EQ(calls().size(), 1u);
}

TEST_F(LvmDriverTest, AnIdThatMakesNoLegalNameIsRefusedBeforeAnyProcess) {
  fake_lvm(kRecordedLvm);
  auto d = load();
  ASSERT_TRUE(d);
  expect_error(
      (*d)->snapshot_adoption()->adopt_snapshot(test_call(), source_name("snap-a1"), source_name("vol-a"), "x;y"),
      ErrorCode::NotSupported, {"cannot adopt as snapshot 'x;y': the LV would be renamed to '_snapshot-x;y'"});
  expect_error((*d)->volume_adoption()->adopt_volume(test_call(), source_name("vol-a"), std::string(200, 'i')),
               ErrorCode::NotSupported, {"characters long"});
  EXPECT_TRUE(calls().empty());
}

TEST_F(LvmDriverTest, WrongKindsAndOriginsAreInvalidReferences) {
  fake_lvm(kRecordedLvm);
  auto d = load();
  ASSERT_TRUE(d);
  auto* snaps = (*d)->snapshot_adoption();
  auto* vols = (*d)->volume_adoption();
  expect_error(snaps->inspect_snapshot(test_call(), source_name("vol-a"), source_name("vol-a")),
               ErrorCode::InvalidReference,
               {"LV 'vol-a' in volume group 'vg0' is a volume (lv_attr owi-a-s---), not a snapshot"});
  expect_error(snaps->inspect_snapshot(test_call(), source_name("snap-b1"), source_name("vol-a")),
               ErrorCode::InvalidReference, {"is a snapshot of 'vol-b', not of volume 'vol-a'"});
  expect_error(snaps->adopt_snapshot(test_call(), source_name("thin-snap"), source_name("vol-a"), kId),
               ErrorCode::InvalidReference, {"is a snapshot of 'thin-vol', not of volume 'vol-a'"});
  expect_error(snaps->inspect_snapshot(test_call(), source_name("tpool"), source_name("vol-a")),
               ErrorCode::InvalidReference, {"is a thin pool (lv_attr twi-aotz--), not a snapshot"});
  expect_error(vols->inspect_volume(test_call(), source_name("snap-a1")), ErrorCode::InvalidReference,
               {"is a classic snapshot of 'vol-a' (lv_attr swi-aos---), not a volume"});
  expect_error(vols->adopt_volume(test_call(), source_name("tpool"), kId), ErrorCode::InvalidReference,
               {"is a thin pool", "not a volume"});
  // None of these renamed anything.
  for (const auto& call : calls()) EXPECT_EQ(call.rfind("lvrename", 0), std::string::npos) << call;
}

TEST_F(LvmDriverTest, MissingLvIsAnInvalidReference) {
  fake_lvm("echo '  Failed to find logical volume \"vg0/gone\"' >&2\nexit 5\n");
  auto d = load();
  ASSERT_TRUE(d);
  expect_error((*d)->snapshot_adoption()->inspect_snapshot(test_call(), source_name("gone"), source_name("vol-a")),
               ErrorCode::InvalidReference, {"snapshot LV 'gone' does not exist in volume group 'vg0'"});
  expect_error((*d)->volume_adoption()->adopt_volume(test_call(), source_name("gone"), kId),
               ErrorCode::InvalidReference, {"volume LV 'gone' does not exist in volume group 'vg0'"});
  // No lvrename: inspect looked once; adopt looked for 'gone', then (idempotency after a host
  // crash) for its target name 'volume-<id>'.
  ASSERT_EQ(calls().size(), 3u);
  EXPECT_NE(calls()[2].find("/volume-"), std::string::npos) << calls()[2];
  for (const auto& call : calls()) EXPECT_EQ(call.find("lvrename"), std::string::npos) << call;
}

TEST_F(LvmDriverTest, ReferencesWithoutAValidSourceNameStartNoProcess) {
  fake_lvm(kRecordedLvm);
  auto d = load();
  ASSERT_TRUE(d);
  auto* snaps = (*d)->snapshot_adoption();
  auto* vols = (*d)->volume_adoption();
  expect_error(snaps->inspect_snapshot(test_call(), StringMap{{"source-id", "x"}}, source_name("vol-a")),
               ErrorCode::InvalidReference, {"snapshot reference {'source-id': 'x'} has no source-name"});
  expect_error(snaps->inspect_snapshot(test_call(), source_name("snap-a1"), StringMap{}), ErrorCode::InvalidReference,
               {"volume reference {} has no source-name"});
  expect_error(snaps->inspect_snapshot(test_call(), source_name("snap-a1"), source_name("a;b")),
               ErrorCode::InvalidReference, {"volume reference source-name 'a;b'"});
  expect_error(vols->adopt_volume(test_call(), StringMap{}, kId), ErrorCode::InvalidReference, {"has no source-name"});
  const std::vector<std::string> hostile = {"a;b",
                                            "$(touch /tmp/snapmgr-pwned)",
                                            "a b",
                                            "..",
                                            ".",
                                            "-x",
                                            std::string(1000, 'a'),
                                            "",
                                            std::string("a\0b", 3),
                                            "../etc",
                                            "vg1/lv",
                                            "snapshot-1",
                                            "x_tmeta",
                                            "`id`",
                                            "a|b",
                                            "a\nb"};
  for (const auto& name : hostile) {
    auto ref = source_name(name);
    expect_error(snaps->inspect_snapshot(test_call(), ref, source_name("vol-a")), ErrorCode::InvalidReference,
                 {"is not an LVM logical volume name"});
    expect_error(snaps->adopt_snapshot(test_call(), ref, source_name("vol-a"), kId), ErrorCode::InvalidReference, {});
    expect_error(vols->inspect_volume(test_call(), ref), ErrorCode::InvalidReference, {});
    expect_error(vols->adopt_volume(test_call(), ref, kId), ErrorCode::InvalidReference, {});
  }
  EXPECT_TRUE(calls().empty());
  EXPECT_FALSE(fs::exists("/tmp/snapmgr-pwned"));
}

TEST_F(LvmDriverTest, ConcurrentCallsAreIndependent) {
  fake_lvm(kRecordedLvm);
  auto d = load();
  ASSERT_TRUE(d);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 5; ++j) {
        auto s = list_snapshots(*(*d)->snapshot_discovery(), test_call());
        auto v = (*d)->volume_adoption()->inspect_volume(test_call(), source_name("vol-a"));
        if (s.ok() && s->size() == 5 && v.ok() && v->size_bytes == 67108864u) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 20);
  EXPECT_EQ(calls().size(), 40u);
}

}  // namespace
}  // namespace snapmgr::testing
