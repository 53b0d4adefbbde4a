# Warnings are private to our own targets: consumers of the installed package never see them.
# Cast alignment: a cast to a more aligned type faults on some Arm cores, so it is refused on
# every host, not only where it would fault (GCC's =strict; clang's -Wcast-align always is).
function(deminer_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion>
    $<$<CXX_COMPILER_ID:GNU>:-Wcast-align=strict>
    $<$<CXX_COMPILER_ID:Clang>:-Wcast-align>)
endfunction()
