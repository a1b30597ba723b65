# sdnn: sparse deep neural network inference with Kokkos (Graph Challenge style).
#
# There is no public repository or release yet, so spack builds sdnn from a checkout:
#   spack repo add spack
#   spack dev-build -d . sdnn@0.1.0 +openmp +mpi     (or `spack develop sdnn@0.1.0` in an environment)
# tests/check_spack_package.py (ctest: spack_options) checks that every CMake variable this
# recipe passes is one the project declares.

import os

from spack.package import *


class Sdnn(CMakePackage):
    """Performance-portable sparse DNN inference (IEEE HPEC / MIT Sparse DNN Graph Challenge)
    on Kokkos host backends: a library with five single-node parallel modes, readers for the
    challenge's files, a generator of challenge-style data and the `sdnn` driver."""

    # No `homepage`, `git` or `url` until the project is published: the only version is the one in a
    # checkout (the project's CMake version), built with `spack dev-build` or `spack develop`.
    license("BSD-3-Clause")

    version("0.1.0")

    # Kokkos host backend the library and the driver run on. Kokkos 3.x accepts only one host
    # parallel backend, hence exactly one of the two.
    variant("openmp", default=True, description="Use the Kokkos OpenMP backend")
    variant("threads", default=False, description="Use the Kokkos Threads (C++ threads) backend")
    variant("mpi", default=True, description="Build the MPI distribution layer; the driver runs under MPI")
    variant("zoltan", default=False, description="Build the hypergraph network partitioner (Zoltan PHG; needs +mpi)")
    variant("tests", default=False, description="Build the GoogleTest suite and register it with ctest")

    conflicts("~openmp~threads", msg="sdnn needs a parallel Kokkos host backend: +openmp or +threads")
    conflicts("+openmp+threads", msg="Kokkos 3 allows only one host parallel backend: +openmp or +threads")

    depends_on("cxx", type="build")
    depends_on("cmake@3.16:", type="build")

    # Tested: 3.4.1 (CI) and 4.6.01 (by hand). Kokkos 5 (C++20) is not tested yet.
    depends_on("kokkos@3.4:4")
    depends_on("kokkos+openmp", when="+openmp")
    depends_on("kokkos+threads", when="+threads")
    depends_on("mpi", when="+mpi")
    # find_package(Zoltan CONFIG): Trilinos' Zoltan installs the CMake package (spack's standalone zoltan does not).
    depends_on("trilinos+zoltan+mpi", when="+zoltan")
    conflicts("+zoltan", when="~mpi", msg="the hypergraph partitioner runs under MPI")
    # The driver reads gzip-compressed IDX image files.
    depends_on("zlib-api")
    # Found by find_package(GTest) at configure time and linked into the test executable, so a
    # build/link dependency of the +tests variant rather than type="test".
    depends_on("googletest", when="+tests")

    def cmake_args(self):
        spec = self.spec
        args = [
            self.define("Kokkos_ROOT", spec["kokkos"].prefix),
            self.define_from_variant("Sdnn_ENABLE_MPI", "mpi"),
            self.define_from_variant("Sdnn_ENABLE_ZOLTAN", "zoltan"),
            self.define_from_variant("Sdnn_ENABLE_TESTS", "tests"),
            # The spack test below runs the driver.
            self.define("Sdnn_ENABLE_DRIVERS", True),
            self.define("Sdnn_ENABLE_BENCHMARKS", False),
            self.define("Sdnn_ENABLE_GRAPHBLAS", False),
            # The kernels are compiled for every instruction set and chosen at run time; spack passes
            # the target's flags itself for the rest.
            self.define("Sdnn_ENABLE_NATIVE", False),
            self.define("Sdnn_ENABLE_WERROR", False),
            self.define("Sdnn_ENABLE_SANITIZERS", False),
        ]
        if spec.satisfies("+mpi"):
            args.append(self.define("MPI_CXX_COMPILER", spec["mpi"].mpicxx))
        return args

    def test_inference(self):
        """generate a small dataset and check the driver's inference against its truth"""
        sdnn = which(self.prefix.bin.sdnn, required=True)
        data = join_path(os.getcwd(), "sdnn-test-dataset")
        sdnn(
            "generate",
            "--out", data,
            "--neurons", "1024",
            "--layers", "2",
            "--images", "synthetic",
            "--num-images", "200",
            "--quiet",
        )
        out = sdnn(
            "infer",
            "--dataset", data,
            "--neurons", "1024",
            "--layers", "2",
            "--no-cache",
            "--quiet",
            output=str.split,
            error=str.split,
        )
        assert "check        : PASSED" in out, "sdnn infer did not report a passed check:\n" + out
