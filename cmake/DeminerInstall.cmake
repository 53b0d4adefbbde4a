# Install rules and an exported package, so that an outside project can write
#   find_package(deminer) / target_link_libraries(app deminer::dsp)
include(CMakePackageConfigHelpers)

set(DEMINER_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/deminer")
set(deminer_install_targets deminer_dsp deminer_drivers)
if(TARGET deminer_sim)
  list(APPEND deminer_install_targets deminer_sim)
endif()
install(TARGETS ${deminer_install_targets} EXPORT deminerTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY dsp/include/ drivers/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET deminer_sim)
  install(DIRECTORY sim/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endif()
if(TARGET deminer_cli)
  install(TARGETS deminer_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(EXPORT deminerTargets NAMESPACE deminer:: DESTINATION ${DEMINER_CMAKE_DIR})

configure_package_config_file(cmake/deminerConfig.cmake.in
  "${PROJECT_BINARY_DIR}/deminerConfig.cmake" INSTALL_DESTINATION ${DEMINER_CMAKE_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/deminerConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/deminerConfig.cmake"
              "${PROJECT_BINARY_DIR}/deminerConfigVersion.cmake"
        DESTINATION ${DEMINER_CMAKE_DIR})
