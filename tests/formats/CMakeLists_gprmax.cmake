# HDF5 directly too: the tests write synthetic gprMax files (deminer::sim links it privately).
deminer_add_test(test_gprmax SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_gprmax.cpp
  LIBS deminer::sim hdf5::hdf5 nlohmann_json::nlohmann_json)
