#!/usr/bin/env python3
"""Shows that check_spack_package.py can fail (ctest: spack_options_detects_errors).

Usage: check_spack_package_selftest.py --work-dir DIR [--package FILE] [--source-dir DIR]

Copies the recipe into DIR twice: unchanged (the check must pass) and with three errors
inserted at the top of cmake_args() -- an undeclared `define("Sdnn_ENABLE_BOGUS", ...)`, an
undeclared "-DSdnn_ALSO_BOGUS=ON" and a define_from_variant() naming an undeclared variant.
The check must then exit 1 naming exactly these three, and nothing else.
"""

import argparse
import ast
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKER = os.path.join(HERE, "check_spack_package.py")
ERRORS = [
    'self.define("Sdnn_ENABLE_BOGUS", True)',
    '"-DSdnn_ALSO_BOGUS=ON"',
    'self.define_from_variant("Sdnn_ENABLE_MPI", "no_such_variant")',
]
EXPECTED = ["Sdnn_ENABLE_BOGUS", "Sdnn_ALSO_BOGUS", "'no_such_variant'"]


def broken_copy(source):
    """The recipe with ERRORS inserted as the first statement of cmake_args (after its docstring)."""
    tree = ast.parse(source)
    method = next(
        node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == "cmake_args"
    )
    first = method.body[0]
    lines = source.splitlines(keepends=True)
    docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    at = first.end_lineno if docstring else first.lineno - 1
    indent = " " * first.col_offset
    inserted = indent + "_selftest_errors = [" + ", ".join(ERRORS) + "]\n"
    return "".join(lines[:at]) + inserted + "".join(lines[at:])


def run_checker(package, source_dir):
    result = subprocess.run(
        [sys.executable, CHECKER, "--package", package, "--source-dir", source_dir],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        universal_newlines=True,
    )
    return result.returncode, result.stdout


def main():
    root = os.path.dirname(HERE)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--package", default=os.path.join(root, "spack", "packages", "sdnn", "package.py"))
    parser.add_argument("--source-dir", default=root)
    args = parser.parse_args()

    with open(args.package, encoding="utf-8") as f:
        source = f.read()
    os.makedirs(args.work_dir, exist_ok=True)
    intact = os.path.join(args.work_dir, "package_intact.py")
    broken = os.path.join(args.work_dir, "package_broken.py")
    with open(intact, "w", encoding="utf-8") as f:
        f.write(source)
    with open(broken, "w", encoding="utf-8") as f:
        f.write(broken_copy(source))

    failures = []
    status, output = run_checker(intact, args.source_dir)
    print("--- unchanged copy: exit %d\n%s" % (status, output))
    if status != 0:
        failures.append("the unchanged copy of the recipe should pass, got exit status %d" % status)

    status, output = run_checker(broken, args.source_dir)
    print("--- copy with %d inserted errors: exit %d\n%s" % (len(ERRORS), status, output))
    if status != 1:
        failures.append("the broken copy should fail with exit status 1, got %d" % status)
    for name in EXPECTED:
        if name not in output:
            failures.append("the check did not name %s" % name)
    problems = [line for line in output.splitlines() if line.startswith(broken + ":")]
    if len(problems) != len(ERRORS):
        failures.append("expected %d problems, the check reported %d" % (len(ERRORS), len(problems)))

    for failure in failures:
        print("spack_options_detects_errors: FAILED: " + failure)
    if failures:
        return 1
    print("spack_options_detects_errors: the check passes the recipe and fails each inserted error")
    return 0


if __name__ == "__main__":
    sys.exit(main())
