#!/usr/bin/env python3
"""Checks that the spack recipe passes only CMake variables the project declares.

Usage: check_spack_package.py [--package FILE] [--source-dir DIR]

Parses the recipe with `ast` (no spack needed) and collects, inside its `cmake_args` method,
the first argument of every `define(...)` / `define_from_variant(...)` call and every `-DNAME=`
in a string literal. Each name must be declared by the project's CMake (`option(NAME ...)`,
`cmake_dependent_option(NAME ...)` or `set(NAME ... CACHE ...)` in a CMakeLists.txt or *.cmake
file under the source directory) or be a standard external variable (Kokkos_ROOT, CMAKE_*,
MPI_*, ...). Every variant named by define_from_variant must be declared with variant().

Exit status: 0 when everything is declared, 1 naming each problem, 2 on bad usage or a recipe
that cannot be parsed.
"""

import argparse
import ast
import os
import re
import sys

# Variables of CMake itself and of the packages the project finds, which a recipe may set.
ALLOWED_EXACT = {
    "Kokkos_ROOT",
    "Kokkos_DIR",
    "GTest_ROOT",
    "GTest_DIR",
    "ZLIB_ROOT",
    "benchmark_ROOT",
    "benchmark_DIR",
}
ALLOWED_PREFIXES = ("CMAKE_", "MPI_")
# Allowed only when the project's CMake actually reads them.
ALLOWED_IF_USED = {"BUILD_TESTING"}

DEFINE_FUNCTIONS = {"define", "define_from_variant"}
DASH_D = re.compile(r"-D([A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z]+)?=")
CMAKE_OPTION = re.compile(r"\b(?:option|cmake_dependent_option)\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)
CMAKE_CACHE_SET = re.compile(r"\bset\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s[^)]*?\bCACHE\b", re.IGNORECASE)
SKIP_DIRS = {".git", "build", "out", "spack"}


def fail_usage(message):
    print("check_spack_package: " + message, file=sys.stderr)
    sys.exit(2)


def call_name(call):
    """Name of the called function or method: `f(...)` and `self.f(...)` give `f`."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def string_constant(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def string_pieces(node):
    """Literal text of a string constant or of the fixed parts of an f-string."""
    text = string_constant(node)
    if text is not None:
        return [text]
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    return []


def package_class(tree):
    """The class that defines cmake_args (the recipe's package class)."""
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "cmake_args":
                    return node, item
    return None, None


def declared_variants(cls):
    variants = set()
    for node in ast.walk(cls):
        if isinstance(node, ast.Call) and call_name(node) == "variant" and node.args:
            name = string_constant(node.args[0])
            if name is not None:
                variants.add(name)
    return variants


def passed_variables(method):
    """[(cmake variable, variant or None, line)] passed in cmake_args, and problems found on the way."""
    passed, problems = [], []
    for node in ast.walk(method):
        if isinstance(node, ast.Call) and call_name(node) in DEFINE_FUNCTIONS:
            kind = call_name(node)
            if not node.args:
                problems.append("%d: %s() without arguments" % (node.lineno, kind))
                continue
            variable = string_constant(node.args[0])
            if variable is None:
                problems.append(
                    "%d: the first argument of %s() is not a string literal, so it cannot be checked"
                    % (node.lineno, kind)
                )
                continue
            variant = None
            if kind == "define_from_variant":
                variant_node = node.args[1] if len(node.args) > 1 else None
                for keyword in node.keywords:
                    if keyword.arg == "variant":
                        variant_node = keyword.value
                if variant_node is None:
                    variant = variable.lower()  # spack's default: the variable's name in lower case
                else:
                    variant = string_constant(variant_node)
                    if variant is None:
                        problems.append(
                            "%d: the variant of define_from_variant(%r, ...) is not a string literal"
                            % (node.lineno, variable)
                        )
            passed.append((variable, variant, node.lineno))
        else:
            for text in string_pieces(node) if isinstance(node, (ast.Constant, ast.JoinedStr)) else []:
                for match in DASH_D.finditer(text):
                    passed.append((match.group(1), None, node.lineno))
    return passed, problems


def strip_cmake_comments(text):
    # Line comments only; good enough for option() and set(... CACHE ...) declarations.
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def cmake_files(source_dir):
    for root, dirs, files in os.walk(source_dir):
        # Skip VCS data, build trees (they hold copies of the sources' variables in caches) and the recipe.
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIP_DIRS
            and not d.startswith("build-")
            and not os.path.exists(os.path.join(root, d, "CMakeCache.txt"))
        )
        for name in sorted(files):
            if name == "CMakeLists.txt" or name.endswith(".cmake"):
                yield os.path.join(root, name)


def declared_cmake_variables(source_dir):
    declared, used_text = {}, []
    for path in cmake_files(source_dir):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = strip_cmake_comments(f.read())
        used_text.append(text)
        for regex in (CMAKE_OPTION, CMAKE_CACHE_SET):
            for match in regex.finditer(text):
                declared.setdefault(match.group(1), os.path.relpath(path, source_dir))
    return declared, "\n".join(used_text)


def allowed_external(name, cmake_text):
    if name in ALLOWED_EXACT or name.startswith(ALLOWED_PREFIXES):
        return True
    return name in ALLOWED_IF_USED and re.search(r"\b%s\b" % re.escape(name), cmake_text) is not None


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_source = os.path.dirname(here)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--package",
        default=os.path.join(default_source, "spack", "packages", "sdnn", "package.py"),
        help="the spack recipe (default: spack/packages/sdnn/package.py of this checkout)",
    )
    parser.add_argument(
        "--source-dir", default=default_source, help="the project whose CMake declarations count (default: this checkout)"
    )
    args = parser.parse_args()

    try:
        with open(args.package, encoding="utf-8") as f:
            source = f.read()
    except OSError as e:
        fail_usage("cannot read %s: %s" % (args.package, e.strerror))
    try:
        tree = ast.parse(source, filename=args.package)
    except SyntaxError as e:
        fail_usage("%s:%s: not valid Python: %s" % (args.package, e.lineno, e.msg))
    if not os.path.isdir(args.source_dir):
        fail_usage("%s is not a directory" % args.source_dir)

    cls, method = package_class(tree)
    if cls is None:
        fail_usage("%s: no class defines cmake_args()" % args.package)
    variants = declared_variants(cls)
    passed, problems = passed_variables(method)
    declared, cmake_text = declared_cmake_variables(args.source_dir)
    if not declared:
        fail_usage("no option() or set(... CACHE ...) found under %s: wrong --source-dir?" % args.source_dir)

    checked = []
    for variable, variant, line in sorted(passed, key=lambda p: p[2]):
        if variable not in declared and not allowed_external(variable, cmake_text):
            problems.append(
                "%d: passes %s, which the project's CMake does not declare "
                "(no option() or set(... CACHE ...) under %s) and which is not a standard external variable"
                % (line, variable, args.source_dir)
            )
        if variant is not None and variant not in variants:
            problems.append(
                "%d: define_from_variant(%r, %r) uses the variant %r, which no variant() declares (declared: %s)"
                % (line, variable, variant, variant, ", ".join(sorted(variants)) or "none")
            )
        checked.append(variable)

    if problems:
        for problem in problems:
            print("%s:%s" % (args.package, problem))
        print("check_spack_package: %d problem(s) in %s" % (len(problems), args.package))
        return 1
    if not checked:
        print("check_spack_package: %s passes no CMake variable in cmake_args()" % args.package)
        return 1
    print(
        "check_spack_package: %s passes %d CMake variables, all declared or standard: %s"
        % (args.package, len(checked), ", ".join(sorted(set(checked))))
    )
    print("check_spack_package: variants: %s" % ", ".join(sorted(variants)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
