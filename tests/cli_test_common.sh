# Shared by the command-line tests (source it once TEST_NAME and WORK are set): recreates WORK with the
# binary cache inside (SDNN_CACHE_DIR), and defines the helpers that run a program and check what it did.
#   check NAME              names the case that follows (printed, and quoted by fail)
#   run EXE ARGS...         runs a program: exit status in RC, output in $OUT / $ERR; a status above 3 fails
#   expect_rc N, expect_out / expect_err / expect_no_out PATTERN (extended regex against a line of stdout /
#   stderr), expect_err_lines N, fail MESSAGE (prints the command, its status and output, exits 1)
rm -rf "$WORK"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
export SDNN_CACHE_DIR="$WORK/cache"
export OMP_PROC_BIND=${OMP_PROC_BIND:-false}

OUT="$WORK/last.stdout"
ERR="$WORK/last.stderr"
RC=0
CURRENT=""

fail() {
  {
    echo "$TEST_NAME: FAIL [$CURRENT]: $*"
    echo "$TEST_NAME: command: ${LAST_CMD:-}"
    echo "$TEST_NAME: exit status: $RC"
    echo "----- stdout -----"
    cat "$OUT" 2>/dev/null || true
    echo "----- stderr -----"
    cat "$ERR" 2>/dev/null || true
    echo "------------------"
  } >&2
  exit 1
}

check() {
  CURRENT=$1
  echo "$TEST_NAME: $CURRENT"
}

run() {
  LAST_CMD="$*"
  set +e
  "$@" >"$OUT" 2>"$ERR"
  RC=$?
  set -e
  if [[ $RC -gt 3 ]]; then
    fail "the program crashed or was killed (exit status $RC)"
  fi
}

expect_rc() {
  [[ $RC -eq $1 ]] || fail "expected exit status $1, got $RC"
}
expect_out() {
  grep -Eq -- "$1" "$OUT" || fail "stdout does not match /$1/"
}
expect_err() {
  grep -Eq -- "$1" "$ERR" || fail "stderr does not match /$1/"
}
expect_no_out() {
  if grep -Eq -- "$1" "$OUT"; then fail "stdout unexpectedly matches /$1/"; fi
}
expect_err_lines() {
  local n
  n=$(wc -l <"$ERR")
  [[ $n -eq $1 ]] || fail "expected $1 line(s) on stderr, got $n"
}
