deminer_add_test(test_segy SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_segy.cpp
  LIBS deminer::sim nlohmann_json::nlohmann_json)
