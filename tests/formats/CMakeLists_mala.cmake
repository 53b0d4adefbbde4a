deminer_add_test(test_mala SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_mala.cpp LIBS deminer::sim)
