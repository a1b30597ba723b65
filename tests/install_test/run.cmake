# Install test (cmake -P): installs the sdnn build tree, builds a consumer project (this directory,
# or examples/embed) against the installed package with find_package(Sdnn), and runs it.
#
#   cmake -DSDNN_BINARY_DIR=<sdnn build tree> -DCONSUMER_SOURCE_DIR=<consumer project>
#         -DWORK_DIR=<scratch directory> -DKokkos_DIR=<...>
#         -DCMAKE_GENERATOR=<generator> [-DCMAKE_CXX_COMPILER=<compiler>]
#         [-DCONSUMER_EXECUTABLE=<name>] [-DCONSUMER_ARGS="<args>"] [-DDATASET_ARGS="<args>"]
#         [-DEXPECT_OUTPUT=<regex>] [-DEXPECT_CATEGORIES=<file>] -P run.cmake
#
# WORK_DIR is deleted first; the package is installed into WORK_DIR/prefix and the consumer is
# built in WORK_DIR/build. Any failing step stops with FATAL_ERROR and that step's output.
#   CONSUMER_EXECUTABLE  target the consumer builds (default sdnn_install_test)
#   DATASET_ARGS         if set, the installed driver runs `sdnn generate --out WORK_DIR/dataset
#                        DATASET_ARGS` before the consumer (space-separated arguments)
#   CONSUMER_ARGS        arguments of the consumer (space-separated; @DATASET@ is WORK_DIR/dataset)
#   EXPECT_OUTPUT        regex the consumer's output must match (default "all checks passed"); the
#                        output must also contain "sdnn version <installed version>"
#   EXPECT_CATEGORIES    categories file (@DATASET@ as above) whose lines the consumer must print,
#                        in order, as its only all-digit lines
cmake_minimum_required(VERSION 3.16)

foreach(var SDNN_BINARY_DIR CONSUMER_SOURCE_DIR WORK_DIR CMAKE_GENERATOR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "install_test: -D${var}=... is required")
  endif()
endforeach()
if(NOT EXISTS "${SDNN_BINARY_DIR}/cmake_install.cmake")
  message(FATAL_ERROR "install_test: ${SDNN_BINARY_DIR} is not a configured sdnn build tree (no cmake_install.cmake)")
endif()

if(NOT DEFINED CONSUMER_EXECUTABLE OR CONSUMER_EXECUTABLE STREQUAL "")
  set(CONSUMER_EXECUTABLE sdnn_install_test)
endif()
if(NOT DEFINED EXPECT_OUTPUT OR EXPECT_OUTPUT STREQUAL "")
  set(EXPECT_OUTPUT "all checks passed")
endif()
set(dataset "${WORK_DIR}/dataset")
foreach(var CONSUMER_ARGS DATASET_ARGS EXPECT_CATEGORIES)
  if(NOT DEFINED ${var})
    set(${var} "")
  endif()
  string(REPLACE "@DATASET@" "${dataset}" ${var} "${${var}}")
endforeach()
separate_arguments(CONSUMER_ARGS UNIX_COMMAND "${CONSUMER_ARGS}")
separate_arguments(DATASET_ARGS UNIX_COMMAND "${DATASET_ARGS}")

set(prefix "${WORK_DIR}/prefix")
set(build "${WORK_DIR}/build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# first_existing(VAR PATH...): sets VAR to the first PATH that exists, "" if none does.
function(first_existing var)
  set(found "")
  foreach(candidate ${ARGN})
    if(EXISTS "${candidate}" AND found STREQUAL "")
      set(found "${candidate}")
    endif()
  endforeach()
  set(${var} "${found}" PARENT_SCOPE)
endfunction()

# run_step(NAME COMMAND...): runs the command, stops with its output if it fails; the output is
# left in step_output.
function(run_step name)
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE rc
    OUTPUT_VARIABLE out
    ERROR_VARIABLE out)
  string(REPLACE ";" " " command_line "${ARGN}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "install_test: step '${name}' failed (${rc})\ncommand: ${command_line}\n${out}")
  endif()
  message(STATUS "install_test: ${name}: ok")
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

# 1. Install the sdnn build tree.
run_step("install" "${CMAKE_COMMAND}" --install "${SDNN_BINARY_DIR}" --prefix "${prefix}")

file(GLOB_RECURSE config_files "${prefix}/*/SdnnConfig.cmake")
file(GLOB_RECURSE version_files "${prefix}/*/SdnnConfigVersion.cmake")
file(GLOB_RECURSE targets_files "${prefix}/*/SdnnTargets.cmake")
foreach(required Sdnn.hpp Sdnn_Config.hpp Sdnn_CscMatrix.hpp Sdnn_Reference.hpp Sdnn_Generator.hpp)
  if(NOT EXISTS "${prefix}/include/${required}")
    message(FATAL_ERROR "install_test: the install did not write ${prefix}/include/${required}\n${step_output}")
  endif()
endforeach()
# impl/ is private: the consumer builds against the public headers alone.
if(EXISTS "${prefix}/include/impl")
  message(FATAL_ERROR "install_test: the install wrote the private headers ${prefix}/include/impl\n${step_output}")
endif()
if(NOT config_files OR NOT version_files OR NOT targets_files)
  message(FATAL_ERROR "install_test: the install did not write SdnnConfig.cmake, SdnnConfigVersion.cmake and "
                      "SdnnTargets.cmake under ${prefix}\n${step_output}")
endif()

# The version the consumer must report: the one the package says it is.
list(GET version_files 0 version_file)
file(STRINGS "${version_file}" version_line REGEX "^set\\(PACKAGE_VERSION \"[^\"]*\"\\)")
string(REGEX REPLACE "^set\\(PACKAGE_VERSION \"([^\"]*)\"\\).*" "\\1" sdnn_version "${version_line}")
if(sdnn_version STREQUAL "")
  message(FATAL_ERROR "install_test: no PACKAGE_VERSION in ${version_file}")
endif()

# 2. Configure the consumer against the installed package only (not the build tree).
set(configure_args
  -S "${CONSUMER_SOURCE_DIR}" -B "${build}" -G "${CMAKE_GENERATOR}"
  "-DCMAKE_PREFIX_PATH=${prefix}"
  -DCMAKE_BUILD_TYPE=Release
  -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON)
foreach(var Kokkos_DIR CMAKE_CXX_COMPILER CMAKE_MAKE_PROGRAM)
  if(DEFINED ${var} AND NOT "${${var}}" STREQUAL "")
    list(APPEND configure_args "-D${var}=${${var}}")
  endif()
endforeach()
run_step("configure consumer" "${CMAKE_COMMAND}" ${configure_args})
set(configure_output "${step_output}")

# find_package must have taken the installed package, not some other Sdnn.
file(STRINGS "${build}/CMakeCache.txt" sdnn_dir_line REGEX "^Sdnn_DIR:")
string(REGEX REPLACE "^Sdnn_DIR:[A-Z]*=" "" sdnn_dir "${sdnn_dir_line}")
get_filename_component(sdnn_dir "${sdnn_dir}" REALPATH)
get_filename_component(prefix_real "${prefix}" REALPATH)
string(FIND "${sdnn_dir}/" "${prefix_real}/" at)
if(NOT at EQUAL 0)
  message(FATAL_ERROR "install_test: find_package(Sdnn) used '${sdnn_dir}', not the install in ${prefix}\n"
                      "${configure_output}")
endif()

# 3. Build the consumer.
run_step("build consumer" "${CMAKE_COMMAND}" --build "${build}" --config Release)

# 4. A dataset from the installed driver, if the consumer needs one.
if(DATASET_ARGS)
  first_existing(driver "${prefix}/bin/sdnn" "${prefix}/bin/sdnn.exe")
  if(driver STREQUAL "")
    message(FATAL_ERROR "install_test: the install did not write the driver ${prefix}/bin/sdnn")
  endif()
  run_step("generate dataset" "${CMAKE_COMMAND}" -E env OMP_PROC_BIND=false
    "${driver}" generate --out "${dataset}" ${DATASET_ARGS} --quiet)
endif()

# 5. Run it (single-config generators put it in the build directory, multi-config ones in Release/).
first_existing(exe "${build}/${CONSUMER_EXECUTABLE}" "${build}/Release/${CONSUMER_EXECUTABLE}"
               "${build}/${CONSUMER_EXECUTABLE}.exe" "${build}/Release/${CONSUMER_EXECUTABLE}.exe")
if(exe STREQUAL "")
  message(FATAL_ERROR "install_test: the consumer built, but no ${CONSUMER_EXECUTABLE} executable is in ${build}")
endif()
# Binary caches of parsed text files go to the scratch directory, not to the user's cache.
run_step("run consumer" "${CMAKE_COMMAND}" -E env OMP_PROC_BIND=false "SDNN_CACHE_DIR=${WORK_DIR}/cache"
  "${exe}" ${CONSUMER_ARGS})
message(STATUS "install_test: consumer output:\n${step_output}")

string(FIND "${step_output}" "sdnn version ${sdnn_version}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "install_test: the consumer did not print 'sdnn version ${sdnn_version}' "
                      "(SDNN_VERSION_STRING of the installed Sdnn_Config.hpp)\n${step_output}")
endif()
if(NOT step_output MATCHES "${EXPECT_OUTPUT}")
  message(FATAL_ERROR "install_test: the consumer exited 0 without printing '${EXPECT_OUTPUT}'\n${step_output}")
endif()
if(EXPECT_CATEGORIES)
  file(STRINGS "${EXPECT_CATEGORIES}" expected_rows REGEX "^[0-9]+$")
  file(WRITE "${WORK_DIR}/consumer-output.txt" "${step_output}")
  file(STRINGS "${WORK_DIR}/consumer-output.txt" printed_rows REGEX "^[0-9]+$")
  list(LENGTH expected_rows expected_count)
  list(LENGTH printed_rows printed_count)
  if(expected_count EQUAL 0)
    message(FATAL_ERROR "install_test: ${EXPECT_CATEGORIES} holds no category (a test needs some)")
  endif()
  if(NOT printed_rows STREQUAL expected_rows)
    message(FATAL_ERROR "install_test: the consumer printed ${printed_count} category rows, ${EXPECT_CATEGORIES} "
                        "holds ${expected_count}: they differ\n${step_output}")
  endif()
  message(STATUS "install_test: the ${printed_count} categories printed equal ${EXPECT_CATEGORIES}")
endif()
message(STATUS "install_test: passed (sdnn ${sdnn_version})")
