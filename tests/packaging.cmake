# Packaging checks (included by tests/CMakeLists.txt). None depends on the
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

