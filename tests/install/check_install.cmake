# cmake -P script: install BUILD_DIR into WORK_DIR/prefix, configure and build CONSUMER_SOURCE
# against it, run the consumer and check what it prints.
file(REMOVE_RECURSE "${WORK_DIR}")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${WORK_DIR}/prefix")
# An instrumented build installs instrumented libraries: the consumer must link the runtime too.
set(sanitize_flags)
if(SANITIZE)
  set(sanitize_flags "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined"
                     "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined")
endif()
run(${CMAKE_COMMAND} -S "${CONSUMER_SOURCE}" -B "${WORK_DIR}/build" -G "${GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix" ${sanitize_flags})
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
run("${WORK_DIR}/build/consumer")
# The consumer prints the magnitude of bin 4 of a unit cosine in bin 4 of a 64-point FFT: N/2.
if(NOT last_output MATCHES "bin4=32\\.0")
  message(FATAL_ERROR "consumer printed '${last_output}', expected bin4=32.0")
endif()
message(STATUS "installed package works: ${last_output}")

# The README's streaming example, on a scene simulated by the installed command line: it must find
# the default scene's three targets (x 0.35, 0.80, 1.25 m; depth 5, 10, 18 cm) to the centimetre.
if(EXISTS "${WORK_DIR}/prefix/bin/deminer")
  run("${WORK_DIR}/prefix/bin/deminer" simulate --out "${WORK_DIR}/scene.dmr")
  run("${WORK_DIR}/build/stream_recording" "${WORK_DIR}/scene.dmr")
  if(NOT last_output MATCHES "object at 0\\.35[0-9] m, depth 0\\.05[0-9] m\nobject at 0\\.(79|80)[0-9] m, depth 0\\.(09|10)[0-9] m\nobject at 1\\.2[45][0-9] m, depth 0\\.1[78][0-9] m\n$")
    message(FATAL_ERROR "stream_recording printed:\n${last_output}")
  endif()
  message(STATUS "README example works:\n${last_output}")
endif()
