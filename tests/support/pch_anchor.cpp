// Anchors the object library that holds the test executables' precompiled header (snapmgr_test_pch).
