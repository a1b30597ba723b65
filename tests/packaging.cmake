# Packaging and documentation checks (included by tests/CMakeLists.txt). None depends on the
# Kokkos backend, so their names carry no backend prefix.

# The spack recipe passes only CMake variables the project declares; the second test shows the
# check fails (exit 1, naming each error) on a copy with undeclared variables and variants.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME spack_options
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/check_spack_package.py
      --package ${PROJECT_SOURCE_DIR}/spack/packages/sdnn/package.py --source-dir ${PROJECT_SOURCE_DIR})
  add_test(NAME spack_options_detects_errors
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/check_spack_package_selftest.py
      --package ${PROJECT_SOURCE_DIR}/spack/packages/sdnn/package.py --source-dir ${PROJECT_SOURCE_DIR}
      --work-dir ${CMAKE_CURRENT_BINARY_DIR}/spack_selftest)
  set_tests_properties(spack_options spack_options_detects_errors PROPERTIES LABELS "packaging")
else()
  message(STATUS "Sdnn: no Python 3 interpreter, the spack_options tests are not registered")
endif()

# Doxygen over the public headers: every public entity documented, zero warnings.
find_program(DOXYGEN_EXECUTABLE doxygen)
if(DOXYGEN_EXECUTABLE)
  configure_file(${PROJECT_SOURCE_DIR}/docs/Doxyfile.in ${PROJECT_BINARY_DIR}/docs/Doxyfile @ONLY)
  file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/docs/doxygen)
  add_test(NAME doxygen COMMAND ${DOXYGEN_EXECUTABLE} ${PROJECT_BINARY_DIR}/docs/Doxyfile
    WORKING_DIRECTORY ${PROJECT_BINARY_DIR}/docs)
  # WARN_AS_ERROR = FAIL_ON_WARNINGS makes doxygen exit non-zero; the regex catches any other warning.
  set_tests_properties(doxygen PROPERTIES LABELS "docs" FAIL_REGULAR_EXPRESSION "warning:|error:")
else()
  message(STATUS "Sdnn: doxygen not found, the doxygen test is not registered")
endif()
