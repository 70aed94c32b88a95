// snapmgr-conformance: checks that a snapmgr driver behaves. See snapmgr/conformance/runner.hpp
// and docs/writing-a-driver.md.
#include "snapmgr/conformance/runner.hpp"

int main(int argc, char** argv) { return snapmgr::conformance::run(argc, argv); }
