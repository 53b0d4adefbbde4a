# deminer_add_library(<name> SOURCES src...)
# The common steps of one of our libraries: target deminer_<name> with alias deminer::<name>,
# exported as <name> (so an installed consumer also writes deminer::<name>), position independent,
# public headers in <folder>/include (build tree) or the installed include folder, our warnings.
# Link libraries and compile definitions stay with the calling folder.
function(deminer_add_library name)
  cmake_parse_arguments(PARSE_ARGV 1 L "" "" "SOURCES")
  if(L_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "deminer_add_library(${name}): unknown arguments ${L_UNPARSED_ARGUMENTS}")
  endif()
  set(target deminer_${name})
  add_library(${target} ${L_SOURCES})
  add_library(deminer::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name} POSITION_INDEPENDENT_CODE ON)
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  deminer_warnings(${target})
endfunction()
