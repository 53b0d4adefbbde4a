deminer_add_test(test_gssi_dzt SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_gssi_dzt.cpp
                 LIBS deminer::sim nlohmann_json::nlohmann_json)
