// snapmgr plugin SDK — everything a driver needs, in one include.
//
// Start with driver.hpp (the driver object), capabilities.hpp (what a driver can do),
// driver_of.hpp (declaring a driver's capabilities once), descriptor.hpp + export.hpp (how the
// host finds it) and docs/writing-a-driver.md; collect.hpp is for tests and tools.
#pragma once

#include "snapmgr/capabilities.hpp"
#include "snapmgr/collect.hpp"
#include "snapmgr/descriptor.hpp"
#include "snapmgr/driver.hpp"
#include "snapmgr/driver_of.hpp"
#include "snapmgr/export.hpp"
#include "snapmgr/guard.hpp"
#include "snapmgr/options.hpp"
#include "snapmgr/records.hpp"
#include "snapmgr/result.hpp"
#include "snapmgr/services.hpp"
#include "snapmgr/string_map.hpp"
#include "snapmgr/version.hpp"
