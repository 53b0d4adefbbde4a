deminer_add_test(test_sensors_software_dt1 SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_sensors_software_dt1.cpp LIBS deminer::sim)
